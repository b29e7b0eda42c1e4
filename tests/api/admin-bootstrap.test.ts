import { describe, expect } from 'vitest';
import { bootstrap } from '../../server/bootstrap.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { tableRows, testSql } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { it } from '../helpers/test.js';

const OPERATOR = { ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'operator-secret-1' };
const ADMIN_EMAIL = 'boss@example.com';

const roleOf = async (app: TestApp, email: string) =>
  (await tableRows(app, 'user')).find((row) => row.email === email)?.role;
const signIn = (app: TestApp, password: string) =>
  createTestClient(app).auth.signIn.mutate({ email: ADMIN_EMAIL, password });
const errorLogs = (app: TestApp) => app.logs.filter((line) => Number(line.level) >= 50);

describe('the ADMIN_EMAIL bootstrap', () => {
  it.override('env', OPERATOR);

  it('creates the admin with ADMIN_PASSWORD once, and keeps it (and a password changed since) on later starts', async ({
    app,
  }) => {
    await bootstrap(app.deps);
    const client = createTestClient(app);
    const { user: admin } = await client.auth.signIn.mutate({
      email: ADMIN_EMAIL,
      password: OPERATOR.ADMIN_PASSWORD,
    });
    expect(admin.role).toBe('admin');
    await client.auth.changePassword.mutate({
      currentPassword: OPERATOR.ADMIN_PASSWORD,
      newPassword: 'changed-by-the-owner',
    });
    await bootstrap(app.deps);
    expect((await signIn(app, 'changed-by-the-owner')).user.role).toBe('admin');
    expect((await tableRows(app, 'user')).filter((row) => row.role === 'admin')).toHaveLength(1);
    expect(errorLogs(app)).toEqual([]);
  });

  it('never promotes an account someone else signed up under ADMIN_EMAIL, and says so at error level', async ({
    app,
  }) => {
    const squatter = newAccount({ email: ADMIN_EMAIL, password: 'squatters-own-password' });
    await createTestClient(app).auth.signUp.mutate(squatter);

    await bootstrap(app.deps);
    expect(await roleOf(app, ADMIN_EMAIL)).toBe('customer');
    expect((await signIn(app, squatter.password)).user.role).toBe('customer');
    expect((await errorOf(signIn(app, OPERATOR.ADMIN_PASSWORD))).data.reason).toBe('INVALID_CREDENTIALS');
    const [logged] = errorLogs(app);
    expect(logged).toMatchObject({ admin: OPERATOR.ADMIN_EMAIL });
    expect(String(logged?.msg)).toMatch(/NOT made admin/);
    expect(JSON.stringify(app.logs)).not.toContain(OPERATOR.ADMIN_PASSWORD);
  });

  it('promotes an existing account whose password is ADMIN_PASSWORD (the operator signed up first)', async ({
    app,
  }) => {
    await createTestClient(app).auth.signUp.mutate(
      newAccount({ email: ADMIN_EMAIL, password: OPERATOR.ADMIN_PASSWORD }),
    );
    await bootstrap(app.deps);
    expect(await roleOf(app, ADMIN_EMAIL)).toBe('admin');
    expect(errorLogs(app)).toEqual([]);
  });

  it('promotes the account once its holder proves control of the address by a password reset to ADMIN_PASSWORD', async ({
    app,
  }) => {
    await createTestClient(app).auth.signUp.mutate(
      newAccount({ email: ADMIN_EMAIL, password: 'forgotten-pw' }),
    );
    await bootstrap(app.deps);
    expect(await roleOf(app, ADMIN_EMAIL)).toBe('customer');
    // The operator's way out, as docs/api/store-and-auth.md describes it: reset the password (here written directly) to ADMIN_PASSWORD, restart.
    await testSql(app).run('UPDATE "user" SET password_hash = ? WHERE email = ?', [
      await app.deps.passwords.hash(OPERATOR.ADMIN_PASSWORD),
      ADMIN_EMAIL,
    ]);
    await bootstrap(app.deps);
    expect(await roleOf(app, ADMIN_EMAIL)).toBe('admin');
  });
});
