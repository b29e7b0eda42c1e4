import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { startJobs } from '../../server/jobs/index.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest, type TestClient } from '../helpers/client.js';
import { TEST_ENGINE, tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { sqliteOf } from '../helpers/group-commit.js';
import { ADDRESS, customer, idempotencyKey, type Shop } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

/**
 * A database file deleted, moved away or replaced under the running server: no write is
 * acknowledged into the file that is no longer at DATABASE_PATH (503 TEMPORARILY_UNAVAILABLE on
 * every write path), the log says why once at error level, /readyz answers 503. The same file
 * moved back is accepted again by itself; another file (a restored backup) is used after a restart.
 */
const DAY = 24 * 60 * 60 * 1000;

/**
 * `dir`: a temporary directory, removed after the test; `path`: the database file there, which `app`
 * uses; `client`: a customer of `shop` with a mug in the cart.
 */
const it = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('dir', async ({}, { onCleanup }) => {
    const dir = mkdtempSync(join(tmpdir(), 'backroom-moved-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })
  .extend('path', async ({ dir }) => join(dir, 'shop.db'))
  .override('env', async ({ path }) => ({ DATABASE_PATH: path }))
  .extend('client', async ({ app, shop }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    return client;
  });

const order = (shop: Shop) => ({
  idempotencyKey: idempotencyKey(),
  shippingAddress: ADDRESS,
  shippingOptionId: shop.standard.id,
});

/** Every write path refuses: group commit (placeOrder), transactions, single statements, the webhook. */
async function expectEveryWriteRefused(app: TestApp, shop: Shop, client: TestClient) {
  const guest = createTestClient(app);
  const calls = {
    placeOrder: () => client.checkout.placeOrder.mutate(order(shop)),
    addItem: () => client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }),
    guestAddItem: () => guest.cart.addItem.mutate({ variantId: shop.white, quantity: 1 }),
    signUp: () => guest.auth.signUp.mutate(newAccount()),
    setTax: () => shop.admin.admin.tax.set.mutate({ country: 'CA', rateBps: 500 }),
    adjustStock: () =>
      shop.admin.admin.inventory.adjust.mutate({ variantId: shop.white, delta: 1, reason: 'adjustment' }),
  };
  for (const [name, call] of Object.entries(calls)) {
    const refused = await errorOf(call());
    expect({ name, ...refused.data }).toMatchObject({
      name,
      httpStatus: 503,
      reason: 'TEMPORARILY_UNAVAILABLE',
    });
  }
}

const movedLogs = (app: TestApp) =>
  app.logs.filter(
    (line) => line.msg?.toString().startsWith('the database file changed') && line.level === 50,
  );

// SQLite-only by nature (its file, WAL and locks); a TEST_ENGINE=postgres run skips it (it would run
// on SQLite again: DATABASE_PATH keeps SQLite).
describe.skipIf(TEST_ENGINE === 'postgres')('the database file changes under the running server', () => {
  it('deleted: refuses every write, says so once at error level, and /readyz is 503', async ({
    app,
    path,
    shop,
    client,
  }) => {
    expect((await rawRequest(app, '/readyz')).status).toBe(200);
    rmSync(path);

    await expectEveryWriteRefused(app, shop, client);
    await expectEveryWriteRefused(app, shop, client);
    expect((await rawRequest(app, '/readyz')).status).toBe(503);
    expect(movedLogs(app)).toHaveLength(1);
    expect(String(movedLogs(app)[0]?.problem)).toContain('deleted');
    // Reads still answer from the open file, also for a session due for renewal (a write).
    expect((await client.cart.get.query()).items).toHaveLength(1);
    app.clock.advance(20 * DAY);
    expect((await client.auth.me.query())?.email).toBeTruthy();
    // The jobs do not run on the replaced file (their writes would fail, after mail went out).
    const jobs = startJobs(app.deps);
    await jobs.stop();
    expect(app.logs.filter((line) => line.msg === 'job failed')).toEqual([]);
    // Nothing was written into the deleted file either.
    expect(await tableRows(app, 'customerOrder')).toHaveLength(0);
  });

  it('its -wal deleted: refuses every write (a restart would lose what the WAL holds)', async ({
    app,
    path,
    shop,
    client,
  }) => {
    rmSync(`${path}-wal`);
    await expectEveryWriteRefused(app, shop, client);
    expect((await rawRequest(app, '/readyz')).status).toBe(503);
    expect(movedLogs(app)).toHaveLength(1);
  });

  it('replaced by a restored backup: refuses writes until a restart, which serves the backup', async ({
    app,
    makeApp,
    dir,
    path,
    shop,
    client,
  }) => {
    const backup = join(dir, 'backup.db');
    await sqliteOf(app).sqlite.backup(backup);
    await client.checkout.placeOrder.mutate(order(shop)); // after the backup: not in it
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    renameSync(backup, path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });

    await expectEveryWriteRefused(app, shop, client);
    expect((await rawRequest(app, '/readyz')).status).toBe(503);
    expect(String(movedLogs(app)[0]?.problem)).toMatch(/deleted|replaced/);

    // A restart opens the file now at the path.
    const restarted = await makeApp({ DATABASE_PATH: path });
    expect(await tableRows(restarted, 'customerOrder')).toHaveLength(0);
    expect((await rawRequest(restarted, '/readyz')).status).toBe(200);
  });

  it('moved away and back: refused while away, accepted again by itself once back', async ({
    app,
    path,
    shop,
    client,
  }) => {
    renameSync(path, `${path}.away`);
    const refused = await errorOf(client.checkout.placeOrder.mutate(order(shop)));
    expect(refused.data).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    expect((await rawRequest(app, '/readyz')).status).toBe(503);

    renameSync(`${path}.away`, path);
    expect((await rawRequest(app, '/readyz')).status).toBe(200);
    const placed = await client.checkout.placeOrder.mutate(order(shop));
    expect(placed.order.items).toHaveLength(1);
    expect(app.logs.some((line) => line.msg?.toString().startsWith('the database file is back'))).toBe(true);

    // What was acknowledged is in the file at the path.
    app.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT count(*) AS n FROM customer_order').pluck().get()).toBe(1);
    check.close();
  });
});
