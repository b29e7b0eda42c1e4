import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { TEST_ENGINE, tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { sqliteOf } from '../helpers/group-commit.js';
import { ADDRESS, customer, idempotencyKey } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

/**
 * With WORKERS=N another process may hold the write lock. A write that cannot get it within
 * busy_timeout answers 503 TEMPORARILY_UNAVAILABLE (never a 500 or a driver message), saves
 * nothing, and the same call succeeds once the lock is free.
 */

/**
 * `dir`: a temporary directory, removed after the test; `app` keeps its database file there.
 * `other`: a second connection to that file (the other process); `app` waits for its lock 50 ms.
 */
const it = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('dir', async ({}, { onCleanup }) => {
    const dir = mkdtempSync(join(tmpdir(), 'backroom-busy-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })
  .override('env', async ({ dir }) => ({ DATABASE_PATH: join(dir, 'shop.db') }))
  .extend('other', async ({ app, dir }, { onCleanup }) => {
    sqliteOf(app).sqlite.pragma('busy_timeout = 50'); // the real 5 s would only slow the test down
    const other = new Database(join(dir, 'shop.db'));
    onCleanup(() => {
      other.close();
    });
    return other;
  });

// SQLite-only by nature (its file, WAL and locks); a TEST_ENGINE=postgres run skips it (it would run
// on SQLite again: DATABASE_PATH keeps SQLite).
describe.skipIf(TEST_ENGINE === 'postgres')('a write while another process holds the lock', () => {
  it('answers 503 TEMPORARILY_UNAVAILABLE, keeps nothing, and the same key succeeds afterwards', async ({
    app,
    shop,
    other,
  }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const order = {
      idempotencyKey: idempotencyKey(),
      shippingAddress: ADDRESS,
      shippingOptionId: shop.standard.id,
    };

    other.prepare('BEGIN IMMEDIATE').run();
    const refused = await errorOf(client.checkout.placeOrder.mutate(order));
    expect(refused.data).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    expect(JSON.stringify(refused)).not.toMatch(/SQLITE|locked/i);
    const addRefused = await errorOf(
      client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }),
    );
    expect(addRefused.data).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    other.prepare('ROLLBACK').run();

    expect(await tableRows(app, 'customerOrder')).toHaveLength(0);
    const placed = await client.checkout.placeOrder.mutate(order);
    expect(placed.order.items).toHaveLength(1);
    expect(app.logs.some((line) => line.msg === 'procedure failed')).toBe(true);
  });
});
