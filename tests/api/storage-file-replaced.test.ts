import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerOrder } from '../../db/schema/index.js';
import { startJobs } from '../../server/jobs/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest, type TestClient } from '../helpers/client.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, idempotencyKey, type Shop, setupShop } from '../helpers/shop.js';

/**
 * A database file deleted, moved away or replaced under the running server: no write is
 * acknowledged into the file that is no longer at DATABASE_PATH (503 TEMPORARILY_UNAVAILABLE on
 * every write path), the log says why once at error level, /readyz answers 503. The same file
 * moved back is accepted again by itself; another file (a restored backup) is used after a restart.
 */
let dir: string;
let path: string;
let t: TestApp;
let shop: Shop;
let client: TestClient;
const opened: TestApp[] = [];
const DAY = 24 * 60 * 60 * 1000;

const order = () => ({
  idempotencyKey: idempotencyKey(),
  shippingAddress: ADDRESS,
  shippingOptionId: shop.standard.id,
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backroom-moved-'));
  path = join(dir, 'shop.db');
  t = createTestApp({ DATABASE_PATH: path });
  opened.push(t);
  shop = await setupShop(t);
  ({ client } = await customer(t));
  await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
});
afterEach(() => {
  for (const app of opened.splice(0)) app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every write path refuses: group commit (placeOrder), transactions, single statements, the webhook. */
async function expectEveryWriteRefused() {
  const guest = createTestClient(t);
  const calls = {
    placeOrder: () => client.checkout.placeOrder.mutate(order()),
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

const movedLogs = () =>
  t.logs.filter((line) => line.msg?.toString().startsWith('the database file changed') && line.level === 50);

describe('the database file changes under the running server', () => {
  it('deleted: refuses every write, says so once at error level, and /readyz is 503', async () => {
    expect((await rawRequest(t, '/readyz')).status).toBe(200);
    rmSync(path);

    await expectEveryWriteRefused();
    await expectEveryWriteRefused();
    expect((await rawRequest(t, '/readyz')).status).toBe(503);
    expect(movedLogs()).toHaveLength(1);
    expect(String(movedLogs()[0]?.problem)).toContain('deleted');
    // Reads still answer from the open file, also for a session due for renewal (a write).
    expect((await client.cart.get.query()).items).toHaveLength(1);
    t.clock.advance(20 * DAY);
    expect((await client.auth.me.query())?.email).toBeTruthy();
    // The jobs do not run on the replaced file (their writes would fail, after mail went out).
    const jobs = startJobs(t.deps);
    await jobs.stop();
    expect(t.logs.filter((line) => line.msg === 'job failed')).toEqual([]);
    // Nothing was written into the deleted file either.
    expect(t.deps.db.select().from(customerOrder).all()).toHaveLength(0);
  });

  it('its -wal deleted: refuses every write (a restart would lose what the WAL holds)', async () => {
    rmSync(`${path}-wal`);
    await expectEveryWriteRefused();
    expect((await rawRequest(t, '/readyz')).status).toBe(503);
    expect(movedLogs()).toHaveLength(1);
  });

  it('replaced by a restored backup: refuses writes until a restart, which serves the backup', async () => {
    const backup = join(dir, 'backup.db');
    await t.deps.sqlite.backup(backup);
    await client.checkout.placeOrder.mutate(order()); // after the backup: not in it
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    renameSync(backup, path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });

    await expectEveryWriteRefused();
    expect((await rawRequest(t, '/readyz')).status).toBe(503);
    expect(String(movedLogs()[0]?.problem)).toMatch(/deleted|replaced/);

    // A restart opens the file now at the path.
    const restarted = createTestApp({ DATABASE_PATH: path });
    opened.push(restarted);
    expect(restarted.deps.db.select().from(customerOrder).all()).toHaveLength(0);
    expect((await rawRequest(restarted, '/readyz')).status).toBe(200);
  });

  it('moved away and back: refused while away, accepted again by itself once back', async () => {
    renameSync(path, `${path}.away`);
    const refused = await errorOf(client.checkout.placeOrder.mutate(order()));
    expect(refused.data).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    expect((await rawRequest(t, '/readyz')).status).toBe(503);

    renameSync(`${path}.away`, path);
    expect((await rawRequest(t, '/readyz')).status).toBe(200);
    const placed = await client.checkout.placeOrder.mutate(order());
    expect(placed.order.items).toHaveLength(1);
    expect(t.logs.some((line) => line.msg?.toString().startsWith('the database file is back'))).toBe(true);

    // What was acknowledged is in the file at the path.
    t.close();
    opened.splice(opened.indexOf(t), 1);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT count(*) AS n FROM customer_order').pluck().get()).toBe(1);
    check.close();
  });
});
