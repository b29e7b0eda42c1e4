import { describe, expect } from 'vitest';
import { z } from 'zod';
import { indexProcedures } from '../../server/http/procedure-index.js';
import { appRouter } from '../../server/routers/_app.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { documentedProcedures } from '../helpers/docs-reference.js';
import { it } from '../helpers/test.js';

/**
 * The role docs/api/ gives each procedure (public, customer, admin) is the one the server applies:
 * every query and mutation is called over HTTP with an empty input, signed out and then as a
 * customer. Role checks run before input validation, so signed out a customer or admin procedure
 * answers UNAUTHORIZED, and as a customer an admin procedure answers FORBIDDEN. Subscriptions are
 * left out (their refusals may arrive inside the event stream).
 */
const errorAnswer = z.object({ error: z.object({ data: z.object({ code: z.string() }) }) });
const procedures = [...indexProcedures(appRouter)].filter(([, type]) => type !== 'subscription');

async function codeOf(app: TestApp, path: string, type: string, cookie?: string): Promise<string> {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const response =
    type === 'query'
      ? await rawRequest(app, `/trpc/${path}?input=${encodeURIComponent('{}')}`, { headers })
      : await rawRequest(app, `/trpc/${path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: '{}',
        });
  if (response.ok) return 'OK';
  const refusal = errorAnswer.safeParse(await response.json());
  return refusal.success ? refusal.data.error.data.code : `HTTP ${response.status}`;
}

describe('the roles docs/api/ names', () => {
  it('are the roles the server applies to every query and mutation', async ({ app }) => {
    const customer = createTestClient(app);
    await customer.auth.signUp.mutate(newAccount());
    const cookie = customer.jar.header();
    const documented = documentedProcedures();
    const mismatches: string[] = [];
    for (const [path, type] of procedures) {
      const signedOut = await codeOf(app, path, type);
      let actual = 'public';
      if (signedOut === 'UNAUTHORIZED') {
        actual = (await codeOf(app, path, type, cookie)) === 'FORBIDDEN' ? 'admin' : 'customer';
      }
      const role = documented.get(path)?.[0]?.role;
      if (role !== actual) mismatches.push(`${path}: documented ${role ?? 'nowhere'}, is ${actual}`);
    }
    expect(mismatches).toEqual([]);
    expect(procedures.length).toBeGreaterThan(50);
  });
});
