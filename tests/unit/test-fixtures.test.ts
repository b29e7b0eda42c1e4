import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { tableRows } from '../helpers/database.js';
import { it } from '../helpers/test.js';

const users = async (app: TestApp) => (await tableRows(app, 'user')).length;
/** Whether the app's database connection is still open (SQLite's handle, or PostgreSQL's pool). */
const databaseOpen = (app: TestApp) => {
  const { database } = app.deps;
  return database.kind === 'sqlite' ? database.sqlite.sqlite.open : !database.postgres.pool.ended;
};

describe('test fixtures', () => {
  it('build only what a test names', async ({ app, shopper }) => {
    expect(await shopper.auth.me.query()).toBeNull();
    // No `admin` or `shop` asked for, so no admin account was made.
    expect(await users(app)).toBe(0);
  });

  it('set the shop up with the admin client the test gets', async ({ app, shop, admin }) => {
    expect(shop.admin).toBe(admin);
    expect((await admin.auth.me.query())?.role).toBe('admin');
    expect(await users(app)).toBe(1);
  });

  const seen: { app: TestApp; url: string }[] = [];
  it.fails('(a test that fails on purpose, holding two apps)', async ({ app, makeApp }) => {
    const other = await makeApp({ ORDER_PAYMENT_TIMEOUT_MINUTES: '5' });
    expect(other.deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES).toBe(5);
    for (const held of [app, other]) seen.push({ app: held, url: await held.url() });
    expect('this test').toBe('failing');
  });

  it('close every app after a test, even one that failed', async () => {
    expect(seen).toHaveLength(2);
    for (const { app, url } of seen) {
      expect(databaseOpen(app)).toBe(false);
      await expect(fetch(url)).rejects.toThrow('fetch failed');
    }
  });

  describe('with settings of a suite', () => {
    it.override('env', { ORDER_PAYMENT_TIMEOUT_MINUTES: '7' });
    it('give the suite an app on them', ({ app }) => {
      expect(app.deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES).toBe(7);
    });
  });

  it('give other suites the default settings', ({ app }) => {
    expect(app.deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES).toBe(30);
  });
});
