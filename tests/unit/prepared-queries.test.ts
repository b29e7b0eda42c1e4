import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { createSqliteStores } from '../../db/sqlite/stores.js';
import { createSession, validateSessionToken } from '../../server/auth/sessions.js';
import { manualPayments } from '../../server/integrations/payments/manual.js';
import { cartOf, viewCart } from '../../server/services/cart/cart.js';
import { writeCart } from '../../server/services/cart/cart-writes.js';
import { findProduct, listProducts } from '../../server/services/catalog/catalog.js';
import { seedDemoStore } from '../../server/services/catalog/demo-store.js';
import { placeOrder } from '../../server/services/orders/place-order.js';
import { ADDRESS } from '../helpers/fixtures.js';

describe('hot queries', () => {
  it('are prepared once per database, however often they run', async () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    seedDemoStore(db, Date.now());
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@b.co', 'A', 'x', 0, 0)",
      )
      .run();
    const { token } = createSession(db, 'u1', Date.now());
    const slug = sqlite.prepare('SELECT slug FROM product LIMIT 1').pluck().get() as string;

    await writeCart(db, { userId: 'u1' }, { kind: 'clear' }, Date.now());
    const original = sqlite.prepare.bind(sqlite);
    let prepares = 0;
    sqlite.prepare = ((source: string) => {
      prepares += 1;
      return original(source);
    }) as typeof sqlite.prepare;
    const stores = createSqliteStores(db);
    const hotPath = async () => {
      findProduct(db, { slug }, { activeOnly: true });
      listProducts(db, { limit: 20 }, 'USD');
      listProducts(db, { limit: 20, q: 'mug' }, 'USD');
      validateSessionToken(db, token, Date.now());
      const row = await cartOf(stores, { userId: 'u1' });
      await viewCart(stores, row, { now: Date.now(), currency: 'USD', userId: 'u1' });
    };
    await hotPath();
    const afterFirst = prepares;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) await hotPath();
    expect(prepares).toBe(afterFirst);
    close();
  });

  it('cart writes and placeOrder prepare their statements once, whatever the number of orders', async () => {
    const handle = openDatabase(':memory:');
    const { db, sqlite, close } = handle;
    const engine = createSqliteEngine(handle);
    const now = Date.now();
    seedDemoStore(db, now);
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@b.co', 'A', 'x', 0, 0)",
      )
      .run();
    const user = {
      id: 'u1',
      email: 'a@b.co',
      name: 'A',
      role: 'customer' as const,
      emailVerified: false,
      createdAt: 0,
    };
    const variantId = sqlite
      .prepare(
        "SELECT v.id FROM variant v JOIN product p ON p.id = v.product_id WHERE p.status = 'active' LIMIT 1",
      )
      .pluck()
      .get() as string;
    sqlite.prepare('UPDATE variant SET stock = 100 WHERE id = ?').run(variantId);
    const shippingOptionId = sqlite
      .prepare("SELECT id FROM shipping_option WHERE countries = '[]' OR countries LIKE '%US%' LIMIT 1")
      .pluck()
      .get() as string;
    let counting = false;
    const order = async (i: number) => {
      counting = true;
      await writeCart(db, { userId: 'u1' }, { kind: 'add', variantId, quantity: 1 }, now);
      const placed = await placeOrder({ engine, db, payments: manualPayments, currency: 'USD', now }, user, {
        idempotencyKey: `prepared-once-${i}`,
        shippingAddress: ADDRESS,
        shippingOptionId,
      });
      counting = false;
      expect(placed.order.items).toHaveLength(1);
    };
    await order(0);
    const original = sqlite.prepare.bind(sqlite);
    const prepared: string[] = [];
    sqlite.prepare = ((source: string) => {
      if (counting) prepared.push(source);
      return original(source);
    }) as typeof sqlite.prepare;
    for (let i = 1; i <= 20; i++) await order(i);
    expect(prepared).toEqual([]);
    expect(sqlite.prepare('SELECT count(*) FROM customer_order').pluck().get()).toBe(21);
    close();
  });
});
