import { describe, expect } from 'vitest';
import { SIGN_IN_LIMIT_PER_IP, SIGN_IN_WINDOW_MS } from '../../server/services/accounts/auth.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { testSql } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { it } from '../helpers/test.js';

const credentials = ({ email, password }: { email: string; password: string }) => ({ email, password });

async function withAccount(app: TestApp) {
  const account = newAccount();
  await createTestClient(app).auth.signUp.mutate(account);
  return account;
}

describe('sign-in rate limit', () => {
  it('locks an email after 10 failures, even for the right password, until the window passes', async ({
    app,
  }) => {
    const account = await withAccount(app);
    for (let i = 0; i < 10; i++) {
      const error = await errorOf(
        createTestClient(app).auth.signIn.mutate({ email: account.email, password: `wrong ${i}` }),
      );
      expect(error.data.reason).toBe('INVALID_CREDENTIALS');
    }
    const locked = await errorOf(createTestClient(app).auth.signIn.mutate(credentials(account)));
    expect(locked.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, reason: 'RATE_LIMITED' });

    // A different address does not help: the lock is on the email.
    const elsewhere = await errorOf(
      createTestClient(app, { ip: '127.51.100.9' }).auth.signIn.mutate(credentials(account)),
    );
    expect(elsewhere.data.reason).toBe('RATE_LIMITED');

    app.clock.advance(SIGN_IN_WINDOW_MS);
    const { user } = await createTestClient(app).auth.signIn.mutate(credentials(account));
    expect(user.email).toBe(account.email);
  });

  it('does not count successful sign-ins', async ({ app }) => {
    const account = await withAccount(app);
    for (let i = 0; i < 15; i++) await createTestClient(app).auth.signIn.mutate(credentials(account));
    await createTestClient(app).auth.signIn.mutate(credentials(account));
  });

  it('counts every call of a batch', async ({ app }) => {
    const account = await withAccount(app);
    const client = createTestClient(app);
    const calls = Array.from({ length: 20 }, (_, i) =>
      client.auth.signIn.mutate({ email: account.email, password: `wrong ${i}` }).catch((e) => e.data.reason),
    );
    const reasons = await Promise.all(calls);
    expect(reasons.filter((r) => r === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(reasons.filter((r) => r === 'RATE_LIMITED')).toHaveLength(10);
    expect((await errorOf(createTestClient(app).auth.signIn.mutate(credentials(account)))).data.reason).toBe(
      'RATE_LIMITED',
    );
  });

  it('counts failures per client address across emails', async ({ app }) => {
    await withAccount(app);
    const attacker = createTestClient(app, { ip: '127.0.2.66', batch: false });
    for (let i = 0; i < SIGN_IN_LIMIT_PER_IP; i++) {
      const error = await errorOf(
        attacker.auth.signIn.mutate({ email: `victim${i}@example.com`, password: 'guess' }),
      );
      expect(error.data.reason).toBe('INVALID_CREDENTIALS');
    }
    const blocked = await errorOf(
      attacker.auth.signIn.mutate({ email: 'fresh@example.com', password: 'guess' }),
    );
    expect(blocked.data.reason).toBe('RATE_LIMITED');
    const other = await errorOf(
      createTestClient(app, { ip: '127.0.2.67' }).auth.signIn.mutate({
        email: 'fresh@example.com',
        password: 'guess',
      }),
    );
    expect(other.data.reason).toBe('INVALID_CREDENTIALS');
  }, 60_000);

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async ({ app }) => {
    await withAccount(app);
    const signIn = (forwardedFor: string) =>
      rawRequest(app, '/trpc/auth.signIn', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ email: `x${forwardedFor}@example.com`, password: 'guess' }),
      });
    for (let i = 0; i < SIGN_IN_LIMIT_PER_IP; i++) await signIn(`10.0.${i >> 8}.${i & 255}`);
    // Every forged address came from one socket: the socket's address is what counts.
    expect((await signIn('10.9.9.9')).status).toBe(429);
  }, 60_000);

  it('believes the proxy-appended X-Forwarded-For hop with TRUST_PROXY', async ({ makeApp }) => {
    const app = await makeApp({ TRUST_PROXY: 'true' });
    const account = await withAccount(app);
    const fromClient = (ip: string) =>
      createTestClient(app, { headers: { 'x-forwarded-for': `1.1.1.1, ${ip}` } });
    for (let i = 0; i < 10; i++)
      await errorOf(
        fromClient('192.0.2.1').auth.signIn.mutate({ email: `a${i}@example.com`, password: 'nope' }),
      );
    const rows = await testSql(app).all("SELECT key, count FROM rate_limit WHERE key LIKE 'sign-in:ip:%'");
    expect(rows).toEqual([{ key: 'sign-in:ip:192.0.2.1', count: 10 }]);
    await fromClient('192.0.2.2').auth.signIn.mutate(credentials(account));
  });
});
