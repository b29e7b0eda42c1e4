import { describe, expect } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { SIGN_UP_WINDOW_MS } from '../../server/services/accounts/auth.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { it } from '../helpers/test.js';

const accounts = async (app: TestApp) => (await tableRows(app, 'user')).length;
/**
 * A sign-up from a client address, as a proxy reports it (these tests run with TRUST_PROXY, so any
 * IPv4 or IPv6 address can be the client's; the socket's own is loopback).
 */
const signUpFrom = (app: TestApp, ip: string, account = newAccount()) =>
  createTestClient(app, { headers: { 'x-forwarded-for': ip }, batch: false }).auth.signUp.mutate(account);
const reasonOf = (call: Promise<unknown>) =>
  call.then(
    () => 'OK',
    (error: { data?: { reason?: string } }) => error.data?.reason,
  );

describe('sign-up limit per client address', () => {
  it('lets the production default (20 an hour) through from one address, then refuses until the hour passes', async ({
    makeApp,
  }) => {
    const limit = loadConfig({}).SIGN_UP_LIMIT_PER_HOUR;
    expect(limit).toBe(20);
    const app = await makeApp({ TRUST_PROXY: 'true', SIGN_UP_LIMIT_PER_HOUR: String(limit) });
    for (let i = 0; i < limit; i++) await signUpFrom(app, '198.51.100.20');
    const refused = newAccount();
    const error = await errorOf(signUpFrom(app, '198.51.100.20', refused));
    expect(error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429, reason: 'RATE_LIMITED' });
    expect(error.message).toMatch(/try again in 60 min/);
    expect((await tableRows(app, 'user')).find((row) => row.email === refused.email)).toBeUndefined();

    await signUpFrom(app, '198.51.100.21'); // another address has its own count
    app.clock.advance(SIGN_UP_WINDOW_MS);
    await signUpFrom(app, '198.51.100.20', refused);
    expect(await accounts(app)).toBe(limit + 2);
  });

  it('counts concurrent sign-ups from one socket address before hashing, so a burst gets exactly the limit', async ({
    makeApp,
  }) => {
    const app = await makeApp({ SIGN_UP_LIMIT_PER_HOUR: '5' });
    const fromSocket = () =>
      createTestClient(app, { ip: '127.0.2.50', batch: false }).auth.signUp.mutate(newAccount());
    const reasons = await Promise.all(Array.from({ length: 50 }, () => reasonOf(fromSocket())));
    expect(reasons.filter((r) => r === 'OK')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'RATE_LIMITED')).toHaveLength(45);
    expect(await accounts(app)).toBe(5);
  });

  it('counts every call of one batch', async ({ makeApp }) => {
    const app = await makeApp({ TRUST_PROXY: 'true', SIGN_UP_LIMIT_PER_HOUR: '3' });
    const client = createTestClient(app, { headers: { 'x-forwarded-for': '192.0.2.51' } });
    const reasons = await Promise.all(
      Array.from({ length: 20 }, () => reasonOf(client.auth.signUp.mutate(newAccount()))),
    );
    expect(reasons.filter((r) => r === 'OK')).toHaveLength(3);
    expect(reasons.filter((r) => r === 'RATE_LIMITED')).toHaveLength(17);
  });

  it('counts attempts on a taken email too, so sign-up cannot probe for accounts in bulk', async ({
    makeApp,
  }) => {
    const app = await makeApp({ TRUST_PROXY: 'true', SIGN_UP_LIMIT_PER_HOUR: '3' });
    const account = newAccount();
    await signUpFrom(app, '192.0.2.52', account);
    expect(await reasonOf(signUpFrom(app, '192.0.2.52', account))).toBe('EMAIL_TAKEN');
    expect(await reasonOf(signUpFrom(app, '192.0.2.52', account))).toBe('EMAIL_TAKEN');
    expect(await reasonOf(signUpFrom(app, '192.0.2.52', account))).toBe('RATE_LIMITED');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 one', async ({ makeApp }) => {
    const app = await makeApp({ TRUST_PROXY: 'true', SIGN_UP_LIMIT_PER_HOUR: '2' });
    await signUpFrom(app, '2001:db8:1:2::1');
    await signUpFrom(app, '2001:db8:1:2:ffff::9');
    expect(await reasonOf(signUpFrom(app, '2001:db8:1:2:abcd:1:2:3'))).toBe('RATE_LIMITED');
    expect(await reasonOf(signUpFrom(app, '2001:db8:1:3::1'))).toBe('OK');

    await signUpFrom(app, '203.0.113.60');
    await signUpFrom(app, '::ffff:203.0.113.60');
    expect(await reasonOf(signUpFrom(app, '203.0.113.60'))).toBe('RATE_LIMITED');
  });

  it('refuses a limit that is not a positive whole number at start-up', () => {
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loadConfig({ SIGN_UP_LIMIT_PER_HOUR: bad })).toThrow(/SIGN_UP_LIMIT_PER_HOUR/);
    }
  });
});
