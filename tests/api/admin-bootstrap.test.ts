import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { user } from '../../db/schema/index.js';

import { bootstrap } from '../../server/bootstrap.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { errorOf } from '../helpers/errors.js';

const OPERATOR = { ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: 'operator-secret-1' };
const ADMIN_EMAIL = 'boss@example.com';

let t: TestApp;
afterEach(() => t.close());

const roleOf = (email: string) =>
  t.deps.db.select({ role: user.role }).from(user).where(eq(user.email, email)).get()?.role;
const signIn = (password: string) => createTestClient(t).auth.signIn.mutate({ email: ADMIN_EMAIL, password });
const errorLogs = () => t.logs.filter((line) => Number(line.level) >= 50);

describe('the ADMIN_EMAIL bootstrap', () => {
  it('creates the admin with ADMIN_PASSWORD once, and keeps it (and a password changed since) on later starts', async () => {
    t = createTestApp(OPERATOR);
    await bootstrap(t.deps);
    const client = createTestClient(t);
    const { user: admin } = await client.auth.signIn.mutate({
      email: ADMIN_EMAIL,
      password: OPERATOR.ADMIN_PASSWORD,
    });
    expect(admin.role).toBe('admin');
    await client.auth.changePassword.mutate({
      currentPassword: OPERATOR.ADMIN_PASSWORD,
      newPassword: 'changed-by-the-owner',
    });
    await bootstrap(t.deps);
    expect((await signIn('changed-by-the-owner')).user.role).toBe('admin');
    expect(t.deps.db.select().from(user).where(eq(user.role, 'admin')).all()).toHaveLength(1);
    expect(errorLogs()).toEqual([]);
  });

  it('never promotes an account someone else signed up under ADMIN_EMAIL, and says so at error level', async () => {
    t = createTestApp(OPERATOR);
    const squatter = newAccount({ email: ADMIN_EMAIL, password: 'squatters-own-password' });
    await createTestClient(t).auth.signUp.mutate(squatter);

    await bootstrap(t.deps);
    expect(roleOf(ADMIN_EMAIL)).toBe('customer');
    expect((await signIn(squatter.password)).user.role).toBe('customer');
    expect((await errorOf(signIn(OPERATOR.ADMIN_PASSWORD))).data.reason).toBe('INVALID_CREDENTIALS');
    const [logged] = errorLogs();
    expect(logged).toMatchObject({ admin: OPERATOR.ADMIN_EMAIL });
    expect(String(logged?.msg)).toMatch(/NOT made admin/);
    expect(JSON.stringify(t.logs)).not.toContain(OPERATOR.ADMIN_PASSWORD);
  });

  it('promotes an existing account whose password is ADMIN_PASSWORD (the operator signed up first)', async () => {
    t = createTestApp(OPERATOR);
    await createTestClient(t).auth.signUp.mutate(
      newAccount({ email: ADMIN_EMAIL, password: OPERATOR.ADMIN_PASSWORD }),
    );
    await bootstrap(t.deps);
    expect(roleOf(ADMIN_EMAIL)).toBe('admin');
    expect(errorLogs()).toEqual([]);
  });

  it('promotes the account once its holder proves control of the address by a password reset to ADMIN_PASSWORD', async () => {
    t = createTestApp(OPERATOR);
    await createTestClient(t).auth.signUp.mutate(
      newAccount({ email: ADMIN_EMAIL, password: 'forgotten-pw' }),
    );
    await bootstrap(t.deps);
    expect(roleOf(ADMIN_EMAIL)).toBe('customer');
    // The operator's way out, as README describes it: reset the password (here written directly) to ADMIN_PASSWORD, restart.
    t.deps.db
      .update(user)
      .set({ passwordHash: await t.deps.passwords.hash(OPERATOR.ADMIN_PASSWORD) })
      .where(eq(user.email, ADMIN_EMAIL))
      .run();
    await bootstrap(t.deps);
    expect(roleOf(ADMIN_EMAIL)).toBe('admin');
  });
});
