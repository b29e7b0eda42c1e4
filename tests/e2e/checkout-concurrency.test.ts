import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import {
  availableOf,
  type Client,
  createProduct,
  createStandardShipping,
  placeOrdersAtOnce,
  signInAdmin,
  signUpCustomers,
  split,
  trpcError,
} from '../helpers/races.js';
import { type ServerProcess, shopDatabase, startServer } from '../helpers/server-process.js';

async function boot(name: string, workers: number): Promise<ServerProcess> {
  return startServer({
    WORKERS: String(workers),
    ...(await shopDatabase(`${name}-${workers}`)),
    SEED_DEMO: 'false',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
    SIGN_UP_LIMIT_PER_HOUR: '1000', // every customer here signs up from 127.0.0.1
  });
}

/** A real server for one describe block, stopped (exit 0 expected) after it. */
function serverFor(name: string, workers: number) {
  const handle = { url: '', output: () => process.output() };
  let process: ServerProcess;
  beforeAll(async () => {
    process = await boot(name, workers);
    handle.url = process.url;
  }, 60_000);
  afterAll(async () => {
    expect(await process.stop()).toBe(0);
  });
  return handle;
}

/**
 * A product with `stock` units, one customer with 2 of them in the cart, and 10 concurrent
 * placeOrder calls with one idempotency key and input: their outcomes.
 */
async function retryOneKey(url: string, slug: string, stock: number) {
  const admin = await signInAdmin(url);
  const { product, variantId } = await createProduct(admin, slug, 1999, stock);
  const standard = await createStandardShipping(admin);
  const [customer] = await signUpCustomers(url, `${slug}-retrier`, 1);
  if (!customer) throw new Error('no customer');
  await customer.cart.addItem.mutate({ variantId, quantity: 2 });
  const input = {
    idempotencyKey: `${slug}-${randomUUID()}`,
    shippingAddress: ADDRESS,
    shippingOptionId: standard.id,
  };
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, () => customer.checkout.placeOrder.mutate(input)),
  );
  return { admin, product, variantId, customer, input, ...split(results) };
}

// The same races against one process and against two sharing the port and the database file.
describe.each([1, 2])('with WORKERS=%i', (workers) => {
  describe('20 orders of the same two variants, carts filled in opposite orders', () => {
    const server = serverFor('crossed', workers);

    // Each order locks its variants in id order, whatever order its cart holds them in; the other way
    // round, two orders could each hold one row and wait for the other's (a deadlock, then a retry,
    // which the server logs as "transaction retried").
    it('places all 20 with no deadlock and no retry', async () => {
      const admin = await signInAdmin(server.url);
      const one = await createProduct(admin, 'crossed-one', 1000, 100);
      const other = await createProduct(admin, 'crossed-other', 1000, 100);
      const standard = await createStandardShipping(admin);
      const customers = await signUpCustomers(server.url, 'crosser', 20);
      for (const [i, customer] of customers.entries()) {
        for (const line of i % 2 === 0 ? [one, other] : [other, one]) {
          await customer.cart.addItem.mutate({ variantId: line.variantId, quantity: 1 });
        }
      }

      const { fulfilled, failures } = await placeOrdersAtOnce(customers, standard.id);
      expect(failures.map((f) => f.data)).toEqual([]);
      expect(fulfilled).toHaveLength(20);
      for (const line of [one, other]) {
        expect(await availableOf(customers[0] as Client, line.product.slug, line.variantId)).toBe(80);
      }
      expect(server.output()).not.toMatch(/transaction retried/);
    }, 120_000);
  });

  describe('50 customers race for the last 10 units, against the real server', () => {
    const server = serverFor('oversell', workers);

    it('sells exactly 10, refuses 40 with OUT_OF_STOCK (never a 5xx), and the ledger shows 10 sales', async () => {
      const admin = await signInAdmin(server.url);
      const { product, variantId } = await createProduct(admin, 'last-ten', 2500, 10);
      const standard = await createStandardShipping(admin);

      const customers = await signUpCustomers(server.url, 'racer', 50);
      // Every cart holds one unit: all 50 are valid carts while stock is 10.
      for (const customer of customers) {
        const cart = await customer.cart.addItem.mutate({ variantId, quantity: 1 });
        expect(cart.items.map((i) => [i.variantId, i.quantity])).toEqual([[variantId, 1]]);
      }

      const { results, fulfilled, failures } = await placeOrdersAtOnce(customers, standard.id);

      for (const failure of failures) expect(failure.data.httpStatus).toBeLessThan(500);
      expect(fulfilled).toHaveLength(10);
      expect(failures).toHaveLength(40);
      for (const failure of failures) {
        expect(failure.data).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK', httpStatus: 409 });
      }
      for (const { order } of fulfilled) {
        expect(order.status).toBe('pending_payment');
        expect(order.items).toEqual([expect.objectContaining({ variantId, quantity: 1, unitPrice: 2500 })]);
      }
      expect(new Set(fulfilled.map((f) => f.order.id)).size).toBe(10);
      expect(new Set(fulfilled.map((f) => f.order.number)).size).toBe(10);

      expect(await availableOf(customers[0] as Client, product.slug, variantId)).toBe(0);
      const orders = await admin.admin.orders.list.query({ limit: 100 });
      expect(orders.items).toHaveLength(10);
      expect(orders.nextCursor).toBeNull();
      expect(orders.items.map((o) => o.id).sort()).toEqual(fulfilled.map((f) => f.order.id).sort());

      const ledger = await admin.admin.inventory.ledger.query({ variantId, limit: 100 });
      const sales = ledger.items.filter((m) => m.reason === 'order');
      expect(sales).toHaveLength(10);
      for (const sale of sales) expect(sale.delta).toBe(-1);
      expect(sales.map((s) => s.stockAfter).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(sales.map((s) => s.orderId).sort()).toEqual(fulfilled.map((f) => f.order.id).sort());
      expect(ledger.items.reduce((sum, m) => sum + m.delta, 0)).toBe(0); // 10 in, 10 out

      // The losers keep their carts: nothing was taken from them.
      const loser = customers[results.findIndex((r) => r.status === 'rejected')] as Client;
      expect((await loser.cart.get.query()).items.map((i) => i.quantity)).toEqual([1]);
    }, 120_000);
  });

  describe('20 customers race for a code with 5 redemptions left, against the real server', () => {
    const server = serverFor('discount', workers);

    it('redeems the code exactly 5 times; the other 15 orders fail with DISCOUNT_EXHAUSTED and take nothing', async () => {
      const admin = await signInAdmin(server.url);
      const { product, variantId } = await createProduct(admin, 'well-stocked', 2500, 100);
      const standard = await createStandardShipping(admin);
      await admin.admin.discounts.create.mutate({
        code: 'FIVEONLY',
        kind: 'percent',
        value: 10,
        maxRedemptions: 5,
      });

      const customers = await signUpCustomers(server.url, 'saver', 20);
      for (const customer of customers) {
        await customer.cart.addItem.mutate({ variantId, quantity: 1 });
        const cart = await customer.cart.applyDiscount.mutate({ code: 'fiveonly' });
        expect(cart.discount).toEqual({ code: 'FIVEONLY', amount: 250 });
      }

      const { results, fulfilled, failures } = await placeOrdersAtOnce(customers, standard.id);

      for (const failure of failures) expect(failure.data.httpStatus).toBeLessThan(500);
      expect(fulfilled).toHaveLength(5);
      expect(failures).toHaveLength(15);
      for (const failure of failures) {
        expect(failure.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'DISCOUNT_EXHAUSTED' });
      }
      for (const { order } of fulfilled) {
        expect(order.discount).toEqual({ code: 'FIVEONLY', amount: 250 });
        expect(order).toMatchObject({ subtotal: 2500, tax: 0, total: 2500 - 250 + 599 });
      }

      const discounts = await admin.admin.discounts.list.query();
      expect(discounts.find((d) => d.code === 'FIVEONLY')?.redemptions).toBe(5);
      expect(await availableOf(admin, product.slug, variantId)).toBe(95);
      const orders = await admin.admin.orders.list.query({ limit: 100 });
      expect(orders.items).toHaveLength(5);
      const sales = (await admin.admin.inventory.ledger.query({ variantId, limit: 100 })).items.filter(
        (m) => m.reason === 'order',
      );
      expect(sales).toHaveLength(5);

      // A loser's cart is intact; the code now answers as exhausted.
      const loser = customers[results.findIndex((r) => r.status === 'rejected')] as Client;
      const cart = await loser.cart.get.query();
      expect(cart.items.map((i) => i.quantity)).toEqual([1]);
      const again = await loser.cart.applyDiscount.mutate({ code: 'FIVEONLY' }).then(
        () => null,
        (error: unknown) => trpcError(error).data.reason,
      );
      expect(again).toBe('DISCOUNT_EXHAUSTED');
    }, 120_000);
  });

  describe('one customer retries placeOrder with one idempotency key, against the real server', () => {
    const server = serverFor('idempotency', workers);

    it('answers 10 concurrent identical calls with one order, and refuses the key for a different order', async () => {
      const { admin, product, variantId, customer, input, fulfilled, failures } = await retryOneKey(
        server.url,
        'retried',
        10,
      );
      expect(failures.map((f) => f.data)).toEqual([]);
      expect(fulfilled).toHaveLength(10);
      const first = fulfilled[0];
      if (!first) throw new Error('no result');
      expect(new Set(fulfilled.map((f) => f.order.id))).toEqual(new Set([first.order.id]));
      for (const result of fulfilled) {
        expect(result.order).toEqual(first.order);
        expect(result.payment).toEqual(first.payment);
      }
      expect(first.order).toMatchObject({ status: 'pending_payment', subtotal: 3998, total: 3998 + 599 });

      const mine = await customer.orders.list.query({ limit: 100 });
      expect(mine.items.map((o) => o.id)).toEqual([first.order.id]);
      expect((await admin.admin.orders.list.query({ limit: 100 })).items).toHaveLength(1);
      expect(await availableOf(customer, product.slug, variantId)).toBe(8);

      const reused = await customer.checkout.placeOrder
        .mutate({ ...input, shippingAddress: { ...ADDRESS, name: 'Someone Else' } })
        .then(
          () => null,
          (error: unknown) => trpcError(error).data,
        );
      expect(reused).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });

      // The same key and input, later, still answers with the first order.
      const replay = await customer.checkout.placeOrder.mutate(input);
      expect(replay.order.id).toBe(first.order.id);
      expect((await customer.orders.list.query({ limit: 100 })).items).toHaveLength(1);
    }, 120_000);

    // The first call takes the last units; a retry that read the stock before that commit and then
    // finds it gone must still answer with the first call's order, never OUT_OF_STOCK.
    it('answers 10 concurrent identical calls for the last units with one order', async () => {
      const { product, variantId, customer, fulfilled, failures } = await retryOneKey(
        server.url,
        'last-units',
        2,
      );
      expect(failures.map((f) => f.data)).toEqual([]);
      expect(new Set(fulfilled.map((f) => f.order.id)).size).toBe(1);
      expect(fulfilled).toHaveLength(10);
      expect(await availableOf(customer, product.slug, variantId)).toBe(0);
      expect((await customer.orders.list.query({ limit: 100 })).items).toHaveLength(1);
    }, 120_000);
  });
});
