import type { TRPCClientError } from '@trpc/client';
import { describe, expect } from 'vitest';
import { SESSION_LIFETIME_MS } from '../../server/auth/sessions.js';
import { CookieJar, createTestClient, newAccount } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { it } from '../helpers/test.js';

const DAY = 24 * 60 * 60 * 1000;

describe('accounts and sessions', () => {
  it('signs up, sets an HttpOnly SameSite=Lax session cookie, and knows the user', async ({ app }) => {
    const client = createTestClient(app);
    const account = newAccount({ email: '  Ann.Example@EXAMPLE.com ' });
    const { user: created } = await client.auth.signUp.mutate(account);
    expect(created).toMatchObject({
      email: 'ann.example@example.com',
      name: account.name,
      role: 'customer',
      emailVerified: false,
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);

    const cookie = client.jar.received.at(-1) ?? '';
    expect(cookie).toMatch(/^session=[a-z2-7]{32}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${SESSION_LIFETIME_MS / 1000}`);
    expect(cookie).not.toContain('Secure');

    expect(await client.auth.me.query()).toEqual(created);
    expect(await createTestClient(app).auth.me.query()).toBeNull();
  });

  it('uses a Secure __Host- cookie in production', async ({ makeApp }) => {
    const prod = await makeApp({ NODE_ENV: 'production' });
    const client = createTestClient(prod);
    await client.auth.signUp.mutate(newAccount());
    const cookie = client.jar.received.at(-1) ?? '';
    expect(cookie).toMatch(/^__Host-session=/);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Path=/');
    expect(await client.auth.me.query()).not.toBeNull();
  });

  it('stores only the SHA-256 of the token and the argon2id hash of the password', async ({ app }) => {
    const client = createTestClient(app);
    const account = newAccount();
    await client.auth.signUp.mutate(account);
    const token = client.jar.cookies.get('session') ?? '';
    const rows = await tableRows(app, 'session');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.id).not.toContain(token);
    const stored = (await tableRows(app, 'user'))[0];
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain(account.password);
  });

  it('refuses a taken email, whatever its case, and changes nothing', async ({ app }) => {
    const account = newAccount({ email: 'dup@example.com' });
    await createTestClient(app).auth.signUp.mutate(account);
    const error = await errorOf(
      createTestClient(app).auth.signUp.mutate({ ...account, email: 'DUP@example.com' }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN', httpStatus: 409 });
    expect(await tableRows(app, 'user')).toHaveLength(1);
  });

  it('gives one account and one EMAIL_TAKEN to two concurrent sign-ups', async ({ app }) => {
    const account = newAccount();
    const results = await Promise.allSettled([
      createTestClient(app).auth.signUp.mutate(account),
      createTestClient(app).auth.signUp.mutate(account),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as TRPCClientError<never>).data).toMatchObject({ reason: 'EMAIL_TAKEN' });
  });

  it('answers validation failures with field errors and writes nothing', async ({ app }) => {
    const error = await errorOf(
      createTestClient(app).auth.signUp.mutate({ email: 'not-an-email', password: 'short', name: '' }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, reason: 'INVALID_INPUT' });
    expect(Object.keys(error.data.fieldErrors as object).sort()).toEqual(['email', 'name', 'password']);
    expect(await tableRows(app, 'user')).toHaveLength(0);
  });

  it('rejects unknown keys (no mass assignment of role)', async ({ app }) => {
    const input = { ...newAccount(), role: 'admin' } as ReturnType<typeof newAccount>;
    const error = await errorOf(createTestClient(app).auth.signUp.mutate(input));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
    expect(error.data.formErrors).toEqual([expect.stringContaining('role')]);
    expect(await tableRows(app, 'user')).toHaveLength(0);
  });

  it('starts a new session at every sign-in and ends the one the browser came with', async ({ app }) => {
    const account = newAccount();
    const client = createTestClient(app);
    await client.auth.signUp.mutate(account);
    const first = client.jar.cookies.get('session');
    await client.auth.signIn.mutate({ email: account.email, password: account.password });
    const second = client.jar.cookies.get('session');
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await tableRows(app, 'session')).toHaveLength(1);

    const stale = new CookieJar();
    stale.cookies.set('session', first ?? '');
    expect(await createTestClient(app, { jar: stale }).auth.me.query()).toBeNull();
  });

  it('deletes the session at sign-out, so a replayed cookie is worthless', async ({ app }) => {
    const client = createTestClient(app);
    await client.auth.signUp.mutate(newAccount());
    const token = client.jar.cookies.get('session') ?? '';
    expect(await client.auth.signOut.mutate()).toEqual({ ok: true });
    expect(client.jar.received.at(-1)).toMatch(/^session=; .*Max-Age=0/);
    expect(await tableRows(app, 'session')).toHaveLength(0);

    const replay = new CookieJar();
    replay.cookies.set('session', token);
    const replayed = createTestClient(app, { jar: replay });
    expect(await replayed.auth.me.query()).toBeNull();
    const error = await errorOf(
      replayed.auth.changePassword.mutate({ currentPassword: 'x', newPassword: 'whatever123' }),
    );
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'UNAUTHENTICATED' });
  });

  it('treats garbage and unknown cookies as signed out', async ({ app }) => {
    for (const value of ['', 'garbage', 'a'.repeat(32), `${'a'.repeat(31)}!`, '%00%ff', 'x'.repeat(5000)]) {
      const jar = new CookieJar();
      jar.cookies.set('session', value);
      expect(await createTestClient(app, { jar }).auth.me.query()).toBeNull();
    }
  });

  it('extends a session once half its life is used, and expires it after 30 days unused', async ({ app }) => {
    const client = createTestClient(app);
    await client.auth.signUp.mutate(newAccount());
    const before = (await tableRows(app, 'session'))[0];
    const sent = client.jar.received.length;

    app.clock.advance(10 * DAY);
    expect(await client.auth.me.query()).not.toBeNull();
    expect((await tableRows(app, 'session'))[0]?.expiresAt).toBe(before?.expiresAt);
    expect(client.jar.received.length).toBe(sent);

    app.clock.advance(6 * DAY); // 16 days in: past half-life
    expect(await client.auth.me.query()).not.toBeNull();
    expect((await tableRows(app, 'session'))[0]?.expiresAt).toBe(app.clock.now() + SESSION_LIFETIME_MS);
    expect(client.jar.received.at(-1)).toContain(`Max-Age=${SESSION_LIFETIME_MS / 1000}`);

    app.clock.advance(SESSION_LIFETIME_MS);
    expect(await client.auth.me.query()).toBeNull();
    expect(await tableRows(app, 'session')).toHaveLength(0);
  });

  it('changes the password, keeps this session and ends every other one', async ({ app }) => {
    const account = newAccount();
    const here = createTestClient(app);
    await here.auth.signUp.mutate(account);
    const elsewhere = createTestClient(app);
    await elsewhere.auth.signIn.mutate({ email: account.email, password: account.password });
    expect(await elsewhere.auth.me.query()).not.toBeNull();

    await here.auth.changePassword.mutate({
      currentPassword: account.password,
      newPassword: 'a brand new secret',
    });
    expect(await here.auth.me.query()).not.toBeNull();
    expect(await elsewhere.auth.me.query()).toBeNull();

    const old = await errorOf(
      createTestClient(app).auth.signIn.mutate({ email: account.email, password: account.password }),
    );
    expect(old.data).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    await createTestClient(app).auth.signIn.mutate({ email: account.email, password: 'a brand new secret' });
  });

  it('refuses a wrong current password and keeps the old one', async ({ app }) => {
    const account = newAccount();
    const client = createTestClient(app);
    await client.auth.signUp.mutate(account);
    const hashBefore = (await tableRows(app, 'user'))[0]?.passwordHash;
    const error = await errorOf(
      client.auth.changePassword.mutate({ currentPassword: 'wrong one!', newPassword: 'another secret' }),
    );
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'INVALID_CREDENTIALS' });
    expect((await tableRows(app, 'user')).find((row) => row.email === account.email)?.passwordHash).toBe(
      hashBefore,
    );
  });

  it('answers an unknown email and a wrong password with the same error', async ({ app }) => {
    const account = newAccount();
    await createTestClient(app).auth.signUp.mutate(account);
    const unknown = await errorOf(
      createTestClient(app).auth.signIn.mutate({ email: 'nobody@example.com', password: account.password }),
    );
    const wrong = await errorOf(
      createTestClient(app).auth.signIn.mutate({ email: account.email, password: 'wrong password' }),
    );
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.data).toEqual({ ...wrong.data });
    expect(unknown.data).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      reason: 'INVALID_CREDENTIALS',
    });
  });
});
