import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { type DatabaseHandle, openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import type { Stores } from '../../db/stores/index.js';
import type { NewOrder } from '../../db/stores/orders.js';
import { listOrderSummaries, loadOrder } from '../../server/services/orders/order-view.js';
import { salesReport } from '../../server/services/orders/reports.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

const DAY_1 = Date.UTC(2026, 0, 1, 10);
const DAY_2 = Date.UTC(2026, 0, 2, 9);

/** The same rows on both engines: plain SQL both dialects read alike. */
const FIXTURE = `
INSERT INTO "user" (id, email, name, password_hash, created_at, updated_at) VALUES
  ('u1', 'ann@example.com', 'Ann', 'x', 0, 0), ('u2', 'bob_100%@shop.test', 'Bob', 'x', 0, 0);
INSERT INTO product (id, slug, name, description, status, created_at, updated_at) VALUES
  ('p1', 'mug', 'Mug', 'A mug', 'active', 0, 0), ('p2', 'lamp', 'Lamp', 'A lamp', 'active', 0, 0);
INSERT INTO variant (id, product_id, sku, name, price, stock, created_at, updated_at) VALUES
  ('v2', 'p1', 'MUG-1', 'Blue', 1500, 10, 0, 0), ('v1', 'p2', 'LAMP-1', 'Brass', 4000, 3, 0, 0);
INSERT INTO shipping_option (id, name, countries, price, free_over_subtotal, min_days, max_days, created_at) VALUES
  ('s-std', 'Standard', '["US","CA"]', 500, 5000, 3, 5, 0),
  ('s-low', 'a cheap one', '[]', 500, NULL, 1, 2, 0),
  ('s-exp', 'Express', '[]', 1500, NULL, 1, 2, 0);
INSERT INTO tax_rate (country, rate_bps, updated_at) VALUES ('US', 800, 0);
INSERT INTO discount (id, code, kind, value, max_redemptions, created_at) VALUES
  ('d1', 'SAVE10', 'percent', 10, 1, 0), ('d-many', 'MANY', 'fixed', 100, 5, 0);
INSERT INTO cart (id, user_id, discount_id, created_at, updated_at) VALUES ('c1', 'u1', 'd1', 0, 0);
`;

/** Inserts the order under the store's next number, as placeOrder does; answers the number. */
async function insertNext(s: Stores, order: NewOrder): Promise<number> {
  const number = await s.orders.nextOrderNumber();
  await s.orders.insertOrder({ ...order, number });
  return number;
}

function newOrder(id: string, userId: string, email: string, now: number, lines = ORDER_LINES): NewOrder {
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  return {
    id,
    number: 0,
    userId,
    email,
    currency: 'USD',
    subtotal,
    discountId: null,
    discountCode: null,
    discountAmount: 0,
    shippingOptionId: 's-std',
    shippingName: 'Standard',
    shippingPrice: 500,
    tax: 0,
    total: subtotal + 500,
    shippingAddress: '{"country":"US"}',
    lines,
    payment: { id: `pay-${id}`, provider: 'stripe' },
    now,
  };
}

const line = (variantId: string, productId: string, unitPrice: number, quantity: number) => ({
  variantId,
  productId,
  productName: productId === 'p1' ? 'Mug' : 'Lamp',
  variantName: productId === 'p1' ? 'Blue' : 'Brass',
  sku: productId === 'p1' ? 'MUG-1' : 'LAMP-1',
  unitPrice,
  quantity,
  lineTotal: unitPrice * quantity,
});

const ORDER_LINES = [line('v2', 'p1', 1500, 2), line('v1', 'p2', 4000, 1)];

/** Runs `work` in a transaction and answers 'refused' when the engine refused it (a constraint). */
const refusedOrDone = (engine: Engine, work: Parameters<Engine['transaction']>[0]) =>
  engine.transaction(work).then(
    () => 'done',
    () => 'refused',
  );

/** Every method of the orders store, in one sequence; each answer is recorded for comparison. */
async function exercise(engine: Engine): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const { read } = engine;
  const tx = engine.transaction.bind(engine);

  const claim = { userId: 'u1', key: 'key-1', requestHash: 'h1', now: DAY_1 };
  out.claimFirst = await tx((s) => s.orders.claimIdempotencyKey(claim));
  out.claimAgain = await tx((s) => s.orders.claimIdempotencyKey({ ...claim, requestHash: 'h2' }));
  out.claimOtherUser = await tx((s) => s.orders.claimIdempotencyKey({ ...claim, userId: 'u2' }));
  out.keyClaimed = await read.orders.idempotencyKey('u1', 'key-1');
  out.keyMissing = await read.orders.idempotencyKey('u1', 'nope');

  out.redeemFirst = await tx((s) => s.cart.redeemDiscount('d1'));
  out.redeemOverLimit = await tx((s) => s.cart.redeemDiscount('d1'));
  out.redeemMissing = await tx((s) => s.cart.redeemDiscount('nope'));

  out.numbers = await tx(async (s) => [
    await insertNext(s, newOrder('o1', 'u1', 'ann@example.com', DAY_1)),
    await insertNext(s, newOrder('o2', 'u2', 'bob_100%@shop.test', DAY_2, [line('v2', 'p1', 1500, 1)])),
    await insertNext(s, newOrder('o3', 'u2', 'bob_100%@shop.test', DAY_2, [line('v1', 'p2', 4000, 3)])),
  ]);
  await tx((s) => s.orders.insertRedemption({ orderId: 'o1', discountId: 'd1', userId: 'u1', now: DAY_1 }));
  await tx((s) =>
    s.orders.completeIdempotencyKey({ userId: 'u1', key: 'key-1', orderId: 'o1', response: null }),
  );
  await tx((s) => s.orders.storeResponse('u1', 'key-1', '{"first":true}'));
  await tx((s) => s.orders.storeResponse('u1', 'key-1', '{"second":true}'));
  out.keyCompleted = await read.orders.idempotencyKey('u1', 'key-1');
  await tx((s) => s.cart.empty('c1', DAY_1));

  out.paymentBefore = await read.orders.paymentOfOrder('o1');
  await tx((s) => s.orders.setPaymentReference('pay-o1', { externalId: 'pi_1', clientSecret: 'secret' }));
  await tx((s) => s.orders.setPaymentReference('pay-o1', { externalId: 'pi_2', clientSecret: null }));
  out.paymentAfter = await read.orders.paymentOfOrder('o1');
  out.paymentMissing = await read.orders.paymentOfOrder('nope');
  out.byIntent = await read.orders.paymentByIntent('pi_1');
  out.byMissingIntent = await read.orders.paymentByIntent('pi_2');

  out.order = await read.orders.order('o1');
  out.ownOrder = await read.orders.order('o1', 'u1');
  out.othersOrder = await read.orders.order('o1', 'u2');
  out.lines = await read.orders.orderLines('o1');
  out.historyNew = await read.orders.orderHistory('o1');
  out.summariesAll = await read.orders.orderSummaries({}, { limit: 10 });
  out.summariesPaged = await read.orders.orderSummaries({}, { limit: 1 });
  const [newest] = (out.summariesPaged as { createdAt: number; id: string }[]) ?? [];
  out.summariesAfter = await read.orders.orderSummaries({}, { limit: 10, before: newest });
  out.summariesOfUser = await read.orders.orderSummaries({ userId: 'u1' }, { limit: 10 });
  out.summariesByNumber = await read.orders.orderSummaries({ number: 1002 }, { limit: 10 });
  out.summariesByEmail = await read.orders.orderSummaries({ emailContains: '100%' }, { limit: 10 });
  out.summariesLikeEscaped = await read.orders.orderSummaries({ emailContains: 'bob_1' }, { limit: 10 });
  out.summariesNoMatch = await read.orders.orderSummaries({ emailContains: 'b%b' }, { limit: 10 });
  out.summariesByStatus = await read.orders.orderSummaries({ status: 'paid' }, { limit: 10 });

  out.staleBefore = await read.orders.staleUnpaidOrders(DAY_2 + 1, 10);
  out.staleLimited = await read.orders.staleUnpaidOrders(DAY_2 + 1, 1);
  out.lockMissing = await tx((s) => s.orders.lockOrderStatus('nope'));
  out.lockOthers = await tx((s) => s.orders.lockOrderStatus('o1', 'u2'));
  out.move = await tx(async (s) => [
    await s.orders.lockOrderStatus('o1', 'u1'),
    await s.orders.setOrderStatus('o1', 'pending_payment', 'paid', DAY_1 + 5),
    await s.orders.setOrderStatus('o1', 'pending_payment', 'paid', DAY_1 + 6),
    await s.orders.setOrderStatus('o2', 'pending_payment', 'paid', DAY_2 + 5),
  ]);
  await tx((s) =>
    s.orders.addOrderEvent({ orderId: 'o1', status: 'paid', note: 'by hand', actorId: 'u2', now: DAY_1 + 5 }),
  );
  await tx((s) => s.orders.setTrackingNumber('o1', 'TRACK-1'));
  out.historyMoved = await read.orders.orderHistory('o1');
  out.summariesPaid = await read.orders.orderSummaries({ status: 'paid' }, { limit: 10 });
  out.paymentMoves = await tx(async (s) => [
    await s.orders.setPaymentStatus('pay-o1', 'pending', 'succeeded', DAY_1 + 5),
    await s.orders.setPaymentStatus('pay-o1', 'pending', 'failed', DAY_1 + 6),
  ]);
  out.orderMoved = await read.orders.order('o1');
  out.hasBought = [
    await read.orders.hasBought('u1', 'p1'),
    await read.orders.hasBought('u1', 'p2'),
    await read.orders.hasBought('u2', 'p2'), // o3 is unpaid
    await read.orders.hasBought('u2', 'p1'),
  ];
  out.staleAfter = await read.orders.staleUnpaidOrders(DAY_2 + 1, 10);

  out.stock = await read.orders.orderStock('o1');
  await tx((s) => s.orders.releaseRedemption('o1'));
  await tx((s) => s.orders.releaseRedemption('o1')); // nothing left to give back
  out.redeemAfterRelease = await tx((s) => s.cart.redeemDiscount('d1'));

  out.notice = await read.orders.orderForNotice('o1');
  out.noticeMissing = await read.orders.orderForNotice('nope');
  out.noticeLines = await read.orders.linesForNotice('o1');

  const event = { id: 'evt_1', type: 'payment_intent.succeeded', now: DAY_1 };
  out.eventFirst = await tx((s) => s.orders.claimPaymentEvent(event));
  out.eventAgain = await tx((s) => s.orders.claimPaymentEvent(event));
  await tx((s) => s.orders.setPaymentEventOutcome('evt_1', 'applied'));

  out.totals = await read.orders.salesTotals(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 3));
  out.totalsEmpty = await read.orders.salesTotals(0, 1);
  out.byDay = await read.orders.salesByDay(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 3));
  out.topProducts = await read.orders.topProducts(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 3), 10);
  out.topProductsLimited = await read.orders.topProducts(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 3), 1);

  // Refusals: the schema's constraints hold on both engines, and nothing of a refused write stays.
  out.unknownVariant = await refusedOrDone(engine, (s) =>
    s.orders.insertOrder(newOrder('o-bad', 'u1', 'ann@example.com', DAY_1, [line('nope', 'p1', 1500, 1)])),
  );
  out.zeroQuantity = await refusedOrDone(engine, (s) =>
    s.orders.insertOrder(newOrder('o-zero', 'u1', 'ann@example.com', DAY_1, [line('v1', 'p2', 4000, 0)])),
  );
  out.duplicateOrderId = await refusedOrDone(engine, (s) =>
    s.orders.insertOrder(newOrder('o1', 'u1', 'ann@example.com', DAY_1)),
  );
  out.badStatus = await refusedOrDone(engine, async (s) => {
    await s.orders.addOrderEvent({ orderId: 'nope', status: 'paid', note: null, actorId: null, now: 0 });
  });
  out.afterRefusals = await read.orders.orderSummaries({}, { limit: 10 });

  // The services that only read orders run unchanged on either engine.
  out.orderView = await loadOrder(read, 'o1');
  out.ownOrderView = await loadOrder(read, 'o1', { userId: 'u1' });
  out.othersOrderView = await loadOrder(read, 'o1', { userId: 'u2' }).catch((error: Error) => error.message);
  const firstPage = await listOrderSummaries(read, {}, { limit: 2 });
  out.firstPage = firstPage;
  out.secondPage = await listOrderSummaries(
    read,
    {},
    { limit: 2, cursor: firstPage.nextCursor ?? undefined },
  );
  out.searchByNumber = await listOrderSummaries(read, { search: '#1002' }, { limit: 10 });
  out.searchByEmail = await listOrderSummaries(read, { search: 'BOB_' }, { limit: 10 });
  out.report = await salesReport(read, { from: '2026-01-01', to: '2026-01-02' }, 'USD');
  return out;
}

describe.skipIf(unavailable)(
  suiteTitle('the orders store answers alike on SQLite and PostgreSQL', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;
    let sqliteHandle: DatabaseHandle;
    let sqlite: Engine;
    let postgres: Engine;

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(4));
      await handle.pool.query(FIXTURE);
      postgres = createPostgresEngine(handle);
      sqliteHandle = openDatabase(':memory:');
      sqliteHandle.sqlite.exec(FIXTURE);
      sqlite = createSqliteEngine(sqliteHandle);
    });
    afterAll(async () => {
      sqliteHandle?.close();
      await handle?.close();
      await database?.drop();
    });

    it('gives the same answers, refusals included, for every method', async () => {
      const onSqlite = await exercise(sqlite);
      const onPostgres = await exercise(postgres);
      // A few anchors, so that "the same" also means "right".
      expect(onSqlite).toMatchObject({
        claimFirst: true,
        claimAgain: false,
        claimOtherUser: true,
        redeemFirst: true,
        redeemOverLimit: false,
        redeemAfterRelease: true,
        numbers: [1001, 1002, 1003],
        eventFirst: true,
        eventAgain: false,
        move: ['pending_payment', true, false, true],
        paymentMoves: [true, false],
        hasBought: [true, true, false, true],
        staleBefore: ['o1', 'o2', 'o3'],
        staleAfter: ['o3'],
        unknownVariant: 'refused',
        zeroQuantity: 'refused',
        duplicateOrderId: 'refused',
        badStatus: 'refused',
        keyCompleted: { requestHash: 'h1', orderId: 'o1', response: '{"first":true}' },
        totals: { orders: 2, revenue: 7000 + 500 + 1500 + 500 },
        byDay: [
          { date: '2026-01-01', orders: 1, revenue: 7500 },
          { date: '2026-01-02', orders: 1, revenue: 2000 },
        ],
        topProducts: [
          { productId: 'p1', name: 'Mug', quantity: 3, revenue: 4500 },
          { productId: 'p2', name: 'Lamp', quantity: 1, revenue: 4000 },
        ],
        // Sorted by variant id, not in the order's line order (v2 first): stock rows in a fixed order.
        stock: [
          { variantId: 'v1', quantity: 1 },
          { variantId: 'v2', quantity: 2 },
        ],
        summariesByEmail: [
          { id: 'o3', itemCount: 3 },
          { id: 'o2', itemCount: 1 },
        ],
        summariesNoMatch: [],
        othersOrderView: 'No such order',
        ownOrderView: { id: 'o1', number: 1001, status: 'paid', trackingNumber: 'TRACK-1' },
        searchByNumber: { items: [{ id: 'o2', number: 1002 }], nextCursor: null },
        report: { orders: 2, revenue: 9500, averageOrderValue: 4750 },
      });
      expect(onPostgres).toEqual(onSqlite);
    });

    it('holds under concurrency on PostgreSQL: one claim per key, the discount limit, distinct numbers, one move, one event', async () => {
      const claims = await Promise.all(
        Array.from({ length: 8 }, () =>
          postgres.transaction((s) =>
            s.orders.claimIdempotencyKey({ userId: 'u2', key: 'race', requestHash: 'h', now: 0 }),
          ),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);

      const redeemed = await Promise.all(
        Array.from({ length: 12 }, () => postgres.transaction((s) => s.cart.redeemDiscount('d-many'))),
      );
      expect(redeemed.filter(Boolean)).toHaveLength(5);

      const numbers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          postgres.transaction((s) =>
            insertNext(
              s,
              newOrder(`race-${i}`, 'u2', 'bob_100%@shop.test', DAY_2, [line('v2', 'p1', 1500, 1)]),
            ),
          ),
        ),
      );
      expect(new Set(numbers).size).toBe(10);

      // Two moves of one order (say an admin's cancel and the expiry job): the row lock makes the
      // second wait and see the first one's status, so exactly one moves it.
      const moves = await Promise.all(
        (['paid', 'cancelled'] as const).map((to) =>
          postgres.transaction(async (s) => {
            const from = await s.orders.lockOrderStatus('race-0');
            if (from !== 'pending_payment') return false;
            return s.orders.setOrderStatus('race-0', from, to, DAY_2);
          }),
        ),
      );
      expect(moves.filter(Boolean)).toHaveLength(1);

      const events = await Promise.all(
        Array.from({ length: 6 }, () =>
          postgres.transaction((s) => s.orders.claimPaymentEvent({ id: 'evt_race', type: 'x', now: 0 })),
        ),
      );
      expect(events.filter(Boolean)).toHaveLength(1);
    });
  },
);
