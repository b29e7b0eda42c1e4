import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, idempotencyKey, type Shop, setupShop } from '../helpers/shop.js';
import { makeWritable, mountTmpfs, readOnlyView, type SmallFs } from '../helpers/small-fs.js';

/**
 * A server started on a database it can only read (a read-only filesystem here; a file without
 * write permission for its user does the same): reads answer, every write answers 503
 * TEMPORARILY_UNAVAILABLE, /readyz answers 503 and the log says why. SQLite opened the file
 * read-only and cannot upgrade that connection, so once write access is back a restart serves it.
 */
const mounted = mountTmpfs(4 * 1024 * 1024);
const skip = 'skip' in mounted ? mounted.skip : null;
const SETTINGS = { READINESS_CACHE_MS: '0', STORAGE_MIN_FREE_BYTES: String(64 * 1024) };
let dir: string;
let writer: TestApp; // another process that has the file open read-write (keeps its -wal and -shm)
let view: SmallFs;
let t: TestApp;
let shop: Shop;

beforeEach(async () => {
  if (!('dir' in mounted)) return;
  dir = mounted.dir;
  writer = createTestApp({ DATABASE_PATH: join(dir, 'shop.db') });
  shop = await setupShop(writer);
  view = readOnlyView(dir);
  t = createTestApp({ DATABASE_PATH: join(view.dir, 'shop.db'), ...SETTINGS });
});
afterEach(() => {
  if (!('dir' in mounted)) return;
  t.close();
  writer.close();
  view.unmount();
});
afterAll(() => {
  if ('dir' in mounted) mounted.unmount();
});

describe.skipIf(skip)(`a read-only database${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('answers reads, refuses every write with 503, and /readyz is 503 with the reason logged', async () => {
    const { client: writerClient } = await customer(writer);
    await writerClient.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const client = createTestClient(t, { jar: writerClient.jar });
    const admin = createTestClient(t, { jar: shop.admin.jar });

    expect((await client.cart.get.query()).items).toHaveLength(1);
    expect((await client.auth.me.query())?.email).toBeTruthy();
    const calls = {
      placeOrder: () =>
        client.checkout.placeOrder.mutate({
          idempotencyKey: idempotencyKey(),
          shippingAddress: ADDRESS,
          shippingOptionId: shop.standard.id,
        }),
      addItem: () => client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }),
      signUp: () => createTestClient(t).auth.signUp.mutate(newAccount()),
      setTax: () => admin.admin.tax.set.mutate({ country: 'CA', rateBps: 500 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const refused = await errorOf(call());
      expect({ name, ...refused.data }).toMatchObject({
        name,
        httpStatus: 503,
        reason: 'TEMPORARILY_UNAVAILABLE',
      });
    }
    expect((await rawRequest(t, '/readyz')).status).toBe(503);
    const notReady = t.logs.find((line) => line.msg === 'not ready: writes cannot succeed');
    expect(String(notReady?.problem)).toContain('SQLITE_READONLY');

    // Write access comes back: this connection stays read-only; a restarted server writes.
    makeWritable(view);
    expect((await rawRequest(t, '/readyz')).status).toBe(503);
    t.close();
    t = createTestApp({ DATABASE_PATH: join(view.dir, 'shop.db'), ...SETTINGS });
    expect((await rawRequest(t, '/readyz')).status).toBe(200);
    const restarted = createTestClient(t, { jar: writerClient.jar });
    await restarted.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    expect((await restarted.cart.get.query()).items).toHaveLength(2);
  });
});
