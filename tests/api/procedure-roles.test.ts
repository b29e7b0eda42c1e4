import { describe, expect } from 'vitest';
import { createRequestContext } from '../../server/context.js';
import {
  adminProcedure,
  createCallerFactory,
  customerProcedure,
  publicProcedure,
  router,
} from '../../server/trpc.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { testSql } from '../helpers/database.js';
import { it } from '../helpers/test.js';

// A stand-in area built from the real procedure builders, as later areas will be.
const areaRouter = router({
  open: publicProcedure.query(() => 'anyone'),
  mine: customerProcedure.query(({ ctx }) => ctx.user.email),
  manage: adminProcedure.query(({ ctx }) => `admin ${ctx.user.email}`),
});
const createCaller = createCallerFactory(areaRouter);

function callerWithCookie(app: TestApp, sessionToken: string | null) {
  return createCaller(
    createRequestContext(app.deps, {
      sessionToken,
      sessionVia: 'cookie',
      cartToken: null,
      clientIp: '127.0.0.1',
      requestId: 'test',
      resHeaders: new Headers(),
    }),
  );
}

async function signedUpToken(app: TestApp, email?: string) {
  const client = createTestClient(app);
  const account = newAccount(email ? { email } : {});
  await client.auth.signUp.mutate(account);
  return { token: client.jar.cookies.get('session') ?? null, account };
}

describe('procedure roles', () => {
  it('answers UNAUTHORIZED to signed-out callers of customer and admin procedures', async ({ app }) => {
    const anonymous = callerWithCookie(app, null);
    expect(await anonymous.open()).toBe('anyone');
    await expect(anonymous.mine()).rejects.toMatchObject({ code: 'UNAUTHORIZED', reason: 'UNAUTHENTICATED' });
    await expect(anonymous.manage()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      reason: 'UNAUTHENTICATED',
    });
  });

  it('answers FORBIDDEN to customers calling admin procedures', async ({ app }) => {
    const { token, account } = await signedUpToken(app);
    const customer = callerWithCookie(app, token);
    expect(await customer.mine()).toBe(account.email);
    await expect(customer.manage()).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
  });

  it('lets admins through, and the role is read from the database on every request', async ({ app }) => {
    const { token, account } = await signedUpToken(app);
    await testSql(app).run('UPDATE "user" SET role = ? WHERE email = ?', ['admin', account.email]);
    expect(await callerWithCookie(app, token).manage()).toBe(`admin ${account.email}`);
    await testSql(app).run('UPDATE "user" SET role = ? WHERE email = ?', ['customer', account.email]);
    await expect(callerWithCookie(app, token).manage()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
