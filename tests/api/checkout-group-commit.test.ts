import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { callerFor } from '../helpers/client.js';
import { TEST_ENGINE, tableRows } from '../helpers/database.js';
import { inOneBatch } from '../helpers/group-commit.js';
import { ADDRESS, customer, type Shop, stockOf } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

const orders = (app: TestApp) => tableRows(app, 'customerOrder');

/**
 * Fires every call at once. On SQLite they must share one group commit (checked by inOneBatch);
 * PostgreSQL has no group commit: there they race as concurrent transactions, which must give the
 * same answers.
 */
const atOnce = <T>(app: TestApp, calls: (() => Promise<T>)[]) =>
  TEST_ENGINE === 'sqlite' ? inOneBatch(app, calls) : Promise.allSettled(calls.map((call) => call()));

/**
 * `buyers(count, variantId, quantity)`: `count` customers with `quantity` of the variant in the cart,
 * each as an in-process caller: the calls below must start in one event-loop turn, which requests
 * over sockets cannot promise.
 */
const it = test.extend(
  'buyers',
  async ({ app }) =>
    async (count: number, variantId: string, quantity = 1) => {
      const clients: ReturnType<typeof callerFor>[] = [];
      for (let i = 0; i < count; i++) {
        const { client } = await customer(app);
        await client.cart.addItem.mutate({ variantId, quantity });
        clients.push(callerFor(app, client.jar));
      }
      return clients;
    },
);

const order = (shop: Shop, key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  shippingAddress: ADDRESS,
  shippingOptionId: shop.standard.id,
  ...extra,
});

describe('concurrent orders placed at once (in one group commit on SQLite)', () => {
  it('never oversell: 6 customers for the last 5 lamps get 5 orders and one OUT_OF_STOCK that takes nothing', async ({
    app,
    shop,
    buyers,
  }) => {
    const clients = await buyers(6, shop.lampVariant);
    const results = await atOnce(
      app,
      clients.map((client, i) => () => client.checkout.placeOrder(order(shop, `oversell-key-${i}`))),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK' });
    expect(await stockOf(app, shop.lampVariant)).toBe(0);
    expect(await orders(app)).toHaveLength(5);
    // The ledger holds exactly the five orders' movements.
    const movements = (await tableRows(app, 'inventoryMovement')).filter(
      (m) => m.variantId === shop.lampVariant,
    );
    expect(movements.filter((m) => m.reason === 'order').map((m) => m.delta)).toEqual([-1, -1, -1, -1, -1]);
    // The refused customer keeps the cart.
    const carts = await Promise.all(clients.map((client) => client.cart.get()));
    expect(carts.map((c) => c.itemCount).sort()).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it('answer each order with its own result: a failing one does not undo or fail the others', async ({
    app,
    shop,
    buyers,
  }) => {
    const clients = await buyers(3, shop.white);
    const results = await atOnce(
      app,
      clients.map(
        (client, i) => () =>
          // The second asks for a total that no longer holds.
          client.checkout.placeOrder(order(shop, `mixed-key-${i}`, i === 1 ? { expectedTotal: 1 } : {})),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { code: 'CONFLICT', reason: 'PRICE_CHANGED' } });
    const [first, , third] = results as PromiseFulfilledResult<{ order: { number: number } }>[];
    const numbers = [first?.value.order.number, third?.value.order.number];
    if (TEST_ENGINE === 'sqlite') {
      // One batch numbers its orders in call order, densely: the refused one took none.
      expect(numbers).toEqual([1001, 1002]);
    } else {
      // PostgreSQL takes each order's number with its read, in no set order, and a refused
      // order's number is not used again: two of the three numbers, in either order.
      const [low = 0, high = 0] = [...numbers].sort((a = 0, b = 0) => a - b);
      expect(low).toBeGreaterThanOrEqual(1001);
      expect(high).toBeGreaterThan(low);
      expect(high).toBeLessThanOrEqual(1003);
    }
    expect(await stockOf(app, shop.white)).toBe(8);
    expect((await clients[1]?.cart.get())?.itemCount).toBe(1);
  });

  it('place one order per idempotency key, even when the retries arrive in the same batch', async ({
    app,
    shop,
    buyers,
  }) => {
    const [client] = await buyers(1, shop.white, 2);
    if (!client) throw new Error('no buyer');
    const results = await atOnce(
      app,
      [0, 1, 2].map(() => () => client.checkout.placeOrder(order(shop, 'same-key-in-batch'))),
    );
    const answers = results.map((r) => (r as PromiseFulfilledResult<{ order: { id: string } }>).value);
    expect(answers.map((a) => a.order.id)).toEqual(Array(3).fill(answers[0]?.order.id));
    expect(answers[1]).toEqual(answers[0]);
    expect(await orders(app)).toHaveLength(1);
    expect(await tableRows(app, 'idempotencyKey')).toHaveLength(1);
    expect(await stockOf(app, shop.white)).toBe(8);
  });
});
