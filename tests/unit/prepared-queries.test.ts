import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { startSession, validateSession } from '../../server/auth/sessions.js';
import { manualPayments } from '../../server/integrations/payments/manual.js';
import { cartOf, viewCart } from '../../server/services/cart/cart.js';
import { changeCart } from '../../server/services/cart/cart-writes.js';
import { seedDemoStore } from '../../server/services/catalog/demo-catalog.js';
import { findProduct, listProducts } from '../../server/services/catalog/products.js';
import { placeOrder } from '../../server/services/orders/place-order.js';
import { ADDRESS } from '../helpers/fixtures.js';

/**
 * NOTE: SQLite by nature (better-sqlite3's statement cache on the write connection); these tests
 * open their own in-memory SQLite database, whatever TEST_ENGINE says.
 */
describe('hot queries', () => {
  it('are prepared once per database, however often they run', async () => {
    const handle = openDatabase(':memory:');
    const { sqlite, close } = handle;
    const engine = createSqliteEngine(handle);
    await seedDemoStore(engine, Date.now());
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@b.co', 'A', 'x', 0, 0)",
      )
      .run();
    const { token } = await startSession(engine, 'u1', Date.now());
    const slug = sqlite.prepare('SELECT slug FROM product LIMIT 1').pluck().get() as string;

    await changeCart(engine, { userId: 'u1' }, { kind: 'clear' }, Date.now());
    const original = sqlite.prepare.bind(sqlite);
    let prepares = 0;
    sqlite.prepare = ((source: string) => {
      prepares += 1;
      return original(source);
    }) as typeof sqlite.prepare;
    const stores = engine.read;
    const hotPath = async () => {
      await findProduct(stores, { slug }, { activeOnly: true });
      await listProducts(stores, { limit: 20 }, 'USD');
      await listProducts(stores, { limit: 20, q: 'mug' }, 'USD');
      await validateSession(engine, token, Date.now());
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
    const { sqlite, close } = handle;
    const engine = createSqliteEngine(handle);
    const now = Date.now();
    await seedDemoStore(engine, now);
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
      await changeCart(engine, { userId: 'u1' }, { kind: 'add', variantId, quantity: 1 }, now);
      const placed = await placeOrder({ engine, payments: manualPayments, currency: 'USD', now }, user, {
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
