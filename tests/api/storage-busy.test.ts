import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerOrder } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, idempotencyKey, type Shop, setupShop } from '../helpers/shop.js';

/**
 * With WORKERS=N another process may hold the write lock. A write that cannot get it within
 * busy_timeout answers 503 TEMPORARILY_UNAVAILABLE (never a 500 or a driver message), saves
 * nothing, and the same call succeeds once the lock is free.
 */
let dir: string;
let t: TestApp;
let shop: Shop;
let other: Database.Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backroom-busy-'));
  t = createTestApp({ DATABASE_PATH: join(dir, 'shop.db') });
  shop = await setupShop(t);
  t.deps.sqlite.pragma('busy_timeout = 50'); // the real 5 s would only slow the test down
  other = new Database(join(dir, 'shop.db'));
});
afterEach(() => {
  other.close();
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a write while another process holds the lock', () => {
  it('answers 503 TEMPORARILY_UNAVAILABLE, keeps nothing, and the same key succeeds afterwards', async () => {
    const { client } = await customer(t);
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

    expect(t.deps.db.select().from(customerOrder).all()).toHaveLength(0);
    const placed = await client.checkout.placeOrder.mutate(order);
    expect(placed.order.items).toHaveLength(1);
    expect(t.logs.some((line) => line.msg === 'procedure failed')).toBe(true);
  });
});
