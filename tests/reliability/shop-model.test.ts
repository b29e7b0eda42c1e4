import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireUnpaid } from '../../server/services/orders/order-lifecycle.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { rawRequest, type TestClient } from '../helpers/client.js';
import { TEST_ENGINE, tableRows, testSql } from '../helpers/database.js';
import { ADDRESS, customer, type Shop, setupShop } from '../helpers/shop.js';
import { type StripeStub, startStripeStub } from '../helpers/stripe-stub.js';

/**
 * Model-based property test: random sequences of cart writes, discount use, orders, retries,
 * Stripe payment events (also repeated and tampered), manual payments, cancellations, expiry and
 * stock adjustments, run against the real procedures (Stripe through the SDK and a local stub). After
 * every step the shop's invariants must hold, whatever succeeded or was refused.
 */
interface World {
  t: TestApp;
  shop: Shop;
  customers: TestClient[];
  variants: string[];
  initial: Map<string, number>;
  orders: string[];
  keys: { client: TestClient; key: string }[];
  maxRedemptions: number;
  /** Signed Stripe events already sent, so a command can deliver one again. */
  sentEvents: string[];
}

type Value = string | number | null;

/** Rows of a query (`?` placeholders) on the world's database, whichever engine it runs on. */
const rows = <T>(world: World, text: string, params: Value[] = []) => testSql(world.t).all<T>(text, params);

/** The number a one-row query answers as `n` (PostgreSQL answers count and sum as strings). */
const count = async (world: World, text: string, params: Value[] = []) =>
  Number((await rows<{ n: number | string }>(world, text, params))[0]?.n ?? Number.NaN);

async function checkInvariants(world: World) {
  // Stock is never negative, and per variant: stock + units sold − units returned = initial stock +
  // adjustments. (One query for all variants: on PostgreSQL each query is a round trip.)
  const ledger = await rows<Record<'id' | 'stock' | 'adjusted' | 'sold' | 'returned', string | number>>(
    world,
    `SELECT v.id, v.stock,
       (SELECT coalesce(sum(m.delta), 0) FROM inventory_movement m
         WHERE m.variant_id = v.id AND m.reason = 'adjustment') AS adjusted,
       (SELECT coalesce(sum(l.quantity), 0) FROM order_line l WHERE l.variant_id = v.id) AS sold,
       (SELECT coalesce(sum(l.quantity), 0) FROM order_line l JOIN customer_order o ON o.id = l.order_id
         WHERE l.variant_id = v.id AND o.status = 'cancelled') AS returned
     FROM variant v`,
  );
  expect(ledger.filter((row) => Number(row.stock) < 0)).toEqual([]);
  for (const variantId of world.variants) {
    const row = ledger.find((each) => each.id === variantId);
    const [stock, adjusted, sold, returned] = [row?.stock ?? -1, row?.adjusted, row?.sold, row?.returned].map(
      Number,
    ) as [number, number, number, number];
    expect(stock + sold - returned).toBe((world.initial.get(variantId) ?? 0) + adjusted);
  }
  // Every order's total equals its parts, and its subtotal its lines.
  const wrong = await rows(
    world,
    `SELECT o.id FROM customer_order o
     WHERE o.total <> o.subtotal - o.discount_amount + o.shipping_price + o.tax
        OR o.subtotal <> (SELECT coalesce(sum(line_total), 0) FROM order_line WHERE order_id = o.id)
        OR o.total < 0`,
  );
  expect(wrong).toEqual([]);
  // The code is never used beyond its limit, and its counter matches the live redemptions.
  const redemptions = await count(world, "SELECT redemptions AS n FROM discount WHERE code = 'LIMITED'");
  const live = await count(
    world,
    "SELECT count(*) AS n FROM customer_order WHERE discount_code = 'LIMITED' AND status <> 'cancelled'",
  );
  expect(redemptions).toBe(live);
  expect(redemptions).toBeLessThanOrEqual(world.maxRedemptions);
  // A paid-looking order has a succeeded (or, once cancelled, refunded) payment.
  const unpaid = await rows(
    world,
    `SELECT o.id FROM customer_order o JOIN payment p ON p.order_id = o.id
     WHERE o.status IN ('paid', 'fulfilled', 'delivered') AND p.status <> 'succeeded'`,
  );
  expect(unpaid).toEqual([]);
  // No payment event took effect twice: each order entered `paid` at most once.
  const twice = await rows(
    world,
    "SELECT order_id FROM order_event WHERE status = 'paid' GROUP BY order_id HAVING count(*) > 1",
  );
  expect(twice).toEqual([]);
  // Money goes back only for cancelled orders, and at most once per order (the payload is JSON text
  // on both engines: read in JS rather than with either engine's JSON functions).
  const refunds = (await tableRows(world.t, 'outboxMessage'))
    .filter((message) => message.kind === 'refund')
    .map((message) => (JSON.parse(message.payload) as { orderId: string }).orderId);
  const statuses = new Map(
    (await tableRows(world.t, 'customerOrder')).map((order) => [order.id, order.status]),
  );
  const wrongRefunds = refunds.filter(
    (orderId, index) => refunds.indexOf(orderId) !== index || statuses.get(orderId) !== 'cancelled',
  );
  expect(wrongRefunds).toEqual([]);
  // Each order moved through allowed statuses only (history starts pending, one entry per move).
  const badHistory = await rows(
    world,
    `SELECT order_id FROM order_event GROUP BY order_id
     HAVING min(id) <> (SELECT min(e2.id) FROM order_event e2 WHERE e2.order_id = order_event.order_id AND e2.status = 'pending_payment')`,
  );
  expect(badHistory).toEqual([]);
}

/**
 * The refusals a random sequence of valid calls may meet: the shop's rules, never a malformed call
 * (INVALID_INPUT would be a model bug), a lost session or a 5xx.
 */
const EXPECTED_REFUSALS: readonly string[] = [
  'OUT_OF_STOCK',
  'INSUFFICIENT_STOCK',
  'QUANTITY_LIMIT',
  'CART_EMPTY',
  'DISCOUNT_EXHAUSTED',
  'INVALID_TRANSITION',
  'NOT_FOUND',
  'IDEMPOTENCY_KEY_REUSED',
];

const ignoreRefusal = (error: unknown): void => {
  if (error instanceof AggregateError) {
    for (const each of error.errors) ignoreRefusal(each);
    return;
  }
  const data = (error as { data?: { httpStatus?: number; reason?: string } }).data;
  if (data?.httpStatus === undefined) throw error; // not an API refusal: a failed assertion or a crash
  expect(data.httpStatus, String(error)).toBeLessThan(500); // a refusal is fine; a 5xx never is
  expect(EXPECTED_REFUSALS, String(error)).toContain(data.reason);
};

const WEBHOOK_SECRET = 'whsec_model';
const signer = new Stripe('sk_test_model');

/** Delivers a Stripe event to the webhook route, signed as Stripe would sign it. */
function deliverEvent(world: World, payload: string) {
  const timestamp = Math.floor(world.t.clock.now() / 1000);
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp });
  return rawRequest(world.t, '/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
}

type Command = fc.AsyncCommand<object, World>;
const command = (name: string, run: (world: World) => Promise<void>): Command => ({
  check: () => true,
  run: async (_model, world) => {
    await run(world).catch(ignoreRefusal);
    await checkInvariants(world);
  },
  toString: () => name,
});

const pick = <T>(list: T[], index: number): T => list[index % list.length] as T;

const commands = [
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 4 })).map(([c, v, quantity]) =>
    command(`add(c${c % 3}, v${v % 3}, ${quantity})`, (w) =>
      pick(w.customers, c)
        .cart.addItem.mutate({ variantId: pick(w.variants, v), quantity })
        .then(() => {}),
    ),
  ),
  fc.nat().map((c) =>
    command(`applyCode(c${c % 3})`, (w) =>
      pick(w.customers, c)
        .cart.applyDiscount.mutate({ code: 'limited' })
        .then(() => {}),
    ),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 3 })).map(([c, v, quantity]) =>
    command(`buy(c${c % 3}, v${v % 3}, ${quantity})`, async (w) => {
      const client = pick(w.customers, c);
      await client.cart.addItem.mutate({ variantId: pick(w.variants, v), quantity }).catch(ignoreRefusal);
      const key = `model-${w.keys.length}-${c}`;
      const { order } = await client.checkout.placeOrder.mutate({
        idempotencyKey: key,
        shippingAddress: ADDRESS,
        shippingOptionId: w.shop.standard.id,
      });
      w.orders.push(order.id);
      w.keys.push({ client, key });
    }),
  ),
  fc.nat().map((k) =>
    command(`retry(k${k})`, async (w) => {
      if (w.keys.length === 0) return;
      const { client, key } = pick(w.keys, k);
      const orders = () => count(w, 'SELECT count(*) AS n FROM customer_order');
      const before = await orders();
      await client.checkout.placeOrder.mutate({
        idempotencyKey: key,
        shippingAddress: ADDRESS,
        shippingOptionId: w.shop.standard.id,
      });
      expect(await orders()).toBe(before);
    }),
  ),
  fc.nat().map((o) =>
    command(`markPaid(o${o})`, async (w) => {
      if (w.orders.length > 0) await w.shop.admin.admin.orders.markPaid.mutate({ id: pick(w.orders, o) });
    }),
  ),
  fc.nat().map((o) =>
    command(`fulfill(o${o})`, async (w) => {
      if (w.orders.length > 0) await w.shop.admin.admin.orders.fulfill.mutate({ id: pick(w.orders, o) });
    }),
  ),
  fc.tuple(fc.nat(), fc.boolean()).map(([o, byAdmin]) =>
    command(`cancel(o${o}, ${byAdmin ? 'admin' : 'owner'})`, async (w) => {
      if (w.orders.length === 0) return;
      const id = pick(w.orders, o);
      if (byAdmin) await w.shop.admin.admin.orders.cancel.mutate({ id });
      else await Promise.any(w.customers.map((client) => client.orders.cancel.mutate({ id })));
    }),
  ),
  fc.integer({ min: 1, max: 40 }).map((minutes) =>
    command(`expire(+${minutes}min)`, async (w) => {
      w.t.clock.advance(minutes * 60_000);
      const facts = { now: w.t.clock.now(), timeoutMinutes: w.t.deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES };
      await w.t.deps.engine.transaction((tx) => expireUnpaid(tx, facts));
    }),
  ),
  fc
    .tuple(
      fc.nat(),
      fc.integer({ min: -6, max: 6 }).filter((d) => d !== 0),
    )
    .map(([v, delta]) =>
      command(`adjust(v${v % 3}, ${delta})`, (w) =>
        w.shop.admin.admin.inventory.adjust
          .mutate({ variantId: pick(w.variants, v), delta, reason: 'model' })
          .then(() => {}),
      ),
    ),
  fc.tuple(fc.nat(), fc.constantFrom('succeeded', 'failed', 'tampered')).map(([o, kind]) =>
    command(`stripe(o${o}, ${kind})`, async (w) => {
      if (w.orders.length === 0) return;
      const orderId = pick(w.orders, o);
      const row = (await tableRows(w.t, 'payment')).find((payment) => payment.orderId === orderId);
      if (!row) return;
      const type = kind === 'failed' ? 'payment_intent.payment_failed' : 'payment_intent.succeeded';
      const amount = kind === 'tampered' ? row.amount + 1 : row.amount;
      const object = {
        id: row.externalId,
        object: 'payment_intent',
        amount,
        amount_received: amount,
        currency: 'usd',
      };
      const payload = JSON.stringify({
        id: `evt_${w.sentEvents.length}`,
        object: 'event',
        type,
        data: { object },
      });
      w.sentEvents.push(payload);
      expect((await deliverEvent(w, payload)).status).toBe(200);
    }),
  ),
  fc.nat().map((e) =>
    command(`stripe-again(e${e})`, async (w) => {
      if (w.sentEvents.length > 0) expect((await deliverEvent(w, pick(w.sentEvents, e))).status).toBe(200);
    }),
  ),
];

/** The commands that build up state (buying) and the payment events come up more often. */
const weighted = commands.flatMap((c, i) => (i === 2 ? [c, c, c] : i >= commands.length - 2 ? [c, c] : [c]));

let stub: StripeStub;
beforeAll(async () => {
  stub = await startStripeStub();
});
afterAll(() => stub.close());

// NOTE: on PostgreSQL each run creates and drops a database of its own (about 1.5 s) and every step's
// checks are network round trips: the same 60 runs take several times longer there.
const TIMEOUT_MS = TEST_ENGINE === 'postgres' ? 600_000 : 180_000;

describe('the shop under random sequences of operations (model-based)', () => {
  it(
    'keeps stock, totals, discount limits and order histories consistent after every step',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(weighted, { maxCommands: 50, size: 'max' }), async (cmds) => {
          const t = await createTestApp({
            PAYMENT_PROVIDER: 'stripe',
            STRIPE_SECRET_KEY: 'sk_test_model',
            STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
            STRIPE_API_URL: stub.url,
          });
          try {
            const shop = await setupShop(t);
            await shop.admin.admin.discounts.create.mutate({
              code: 'LIMITED',
              kind: 'percent',
              value: 10,
              maxRedemptions: 2,
            });
            const customers = [];
            for (let i = 0; i < 3; i++) customers.push((await customer(t)).client);
            const variants = [shop.white, shop.blue, shop.lampVariant];
            const stocks = new Map((await tableRows(t, 'variant')).map((row) => [row.id, row.stock]));
            const initial = new Map(variants.map((id) => [id, stocks.get(id) ?? 0]));
            const world: World = {
              t,
              shop,
              customers,
              variants,
              initial,
              orders: [],
              keys: [],
              maxRedemptions: 2,
              sentEvents: [],
            };
            await checkInvariants(world);
            await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
          } finally {
            await t.close();
          }
        }),
        { numRuns: 60 },
      );
    },
    TIMEOUT_MS,
  );
});
