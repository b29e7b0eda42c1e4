import { and, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../server/domain/search-query.js';
import type { OrderFilter, OrderStore } from '../stores/orders.js';
import type { Executor } from './client.js';
import * as q from './orders-statements.js';
import { preparedQuery } from './prepared.js';
import {
  customerOrder,
  discount,
  discountRedemption,
  orderLine,
  payment,
  paymentEvent,
} from './schema/index.js';

const SOLD = ['paid', 'fulfilled', 'delivered'] as const;
const SOLD_SQL = sql`('paid', 'fulfilled', 'delivered')`;

function summaryConditions(filter: OrderFilter, before: { createdAt: number; id: string } | undefined) {
  const conditions: SQL[] = [];
  if (filter.userId) conditions.push(eq(customerOrder.userId, filter.userId));
  if (filter.status) conditions.push(eq(customerOrder.status, filter.status));
  if (filter.number !== undefined) conditions.push(eq(customerOrder.number, filter.number));
  if (filter.emailContains !== undefined) {
    conditions.push(sql`${customerOrder.email} LIKE ${`%${escapeLike(filter.emailContains)}%`} ESCAPE '\\'`);
  }
  if (before) {
    const older = or(
      lt(customerOrder.createdAt, before.createdAt),
      and(eq(customerOrder.createdAt, before.createdAt), lt(customerOrder.id, before.id)),
    );
    if (older) conditions.push(older);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/**
 * The orders area's queries on SQLite (better-sqlite3: every call answers at once). The checkout
 * and order-view paths run prepared statements built once per connection (see orders-statements).
 */
export function sqliteOrders(db: Executor): OrderStore {
  const prepared = <T>(name: string, build: (d: Executor) => T) => preparedQuery(db, `orders.${name}`, build);
  return {
    claimIdempotencyKey: async (claim) => prepared('key-claim', q.claimKey).run(claim).changes === 1,
    idempotencyKey: async (userId, key) => prepared('key', q.keyRecord).get({ userId, key }),
    completeIdempotencyKey: async (done) => {
      prepared('key-complete', q.completeKey).run(done);
    },
    storeResponse: async (userId, key, response) => {
      prepared('key-response', q.storeResponse).run({ userId, key, response });
    },
    nextOrderNumber: async () => prepared('order-number', q.nextOrderNumber).get()?.n ?? 1001,
    insertOrder: async (order) => {
      prepared('order-insert', q.insertOrder).run({ ...order });
      for (const line of order.lines)
        prepared('order-line-insert', q.insertOrderLine).run({ ...line, orderId: order.id });
      prepared('order-event-insert', q.insertOrderEvent).run({
        orderId: order.id,
        status: 'pending_payment',
        note: null,
        actorId: order.userId,
        now: order.now,
      });
      prepared('payment-insert', q.insertPayment).run({
        id: order.payment.id,
        orderId: order.id,
        provider: order.payment.provider,
        amount: order.total,
        currency: order.currency,
        now: order.now,
      });
    },
    insertRedemption: async (redemption) => {
      prepared('redemption-insert', q.insertRedemption).run(redemption);
    },
    paymentOfOrder: async (orderId) => prepared('payment-of-order', q.paymentOfOrder).get({ orderId }),
    setPaymentReference: async (paymentId, started) => {
      db.update(payment)
        .set({ externalId: started.externalId, clientSecret: started.clientSecret })
        .where(and(eq(payment.id, paymentId), sql`${payment.externalId} IS NULL`))
        .run();
    },

    order: async (id, userId) =>
      userId === undefined
        ? prepared('order', q.orderById).get({ id })
        : prepared('own-order', q.ownOrderById).get({ id, userId }),
    orderLines: async (orderId) => prepared('order-lines', q.orderLines).all({ id: orderId }),
    orderHistory: async (orderId) => prepared('order-history', q.orderHistory).all({ id: orderId }),
    orderSummaries: async (filter, page) =>
      db
        .select({
          id: customerOrder.id,
          number: customerOrder.number,
          status: customerOrder.status,
          total: customerOrder.total,
          currency: customerOrder.currency,
          email: customerOrder.email,
          createdAt: customerOrder.createdAt,
          // Spelled out: Drizzle drops table names in one-table selects, which would bind "id" to order_line.
          itemCount: sql<number>`(SELECT coalesce(sum(l.quantity), 0) FROM order_line l WHERE l.order_id = customer_order.id)`,
        })
        .from(customerOrder)
        .where(summaryConditions(filter, page.before))
        .orderBy(desc(customerOrder.createdAt), desc(customerOrder.id))
        .limit(page.limit)
        .all(),
    hasBought: async (userId, productId) =>
      db
        .select({ id: customerOrder.id })
        .from(orderLine)
        .innerJoin(customerOrder, eq(customerOrder.id, orderLine.orderId))
        .where(
          and(
            eq(orderLine.productId, productId),
            eq(customerOrder.userId, userId),
            inArray(customerOrder.status, [...SOLD]),
          ),
        )
        .limit(1)
        .get() !== undefined,

    // SQLite: the group-commit unit holds the only write connection, so nothing needs locking.
    lockOrderStatus: async (orderId, ownerId) =>
      db
        .select({ status: customerOrder.status })
        .from(customerOrder)
        .where(
          ownerId === undefined
            ? eq(customerOrder.id, orderId)
            : and(eq(customerOrder.id, orderId), eq(customerOrder.userId, ownerId)),
        )
        .get()?.status,
    setOrderStatus: async (orderId, from, to, now) =>
      db
        .update(customerOrder)
        .set({ status: to, updatedAt: now })
        .where(and(eq(customerOrder.id, orderId), eq(customerOrder.status, from)))
        .run().changes === 1,
    addOrderEvent: async (entry) => {
      prepared('order-event-insert', q.insertOrderEvent).run({ ...entry });
    },
    setTrackingNumber: async (orderId, trackingNumber) => {
      db.update(customerOrder).set({ trackingNumber }).where(eq(customerOrder.id, orderId)).run();
    },
    orderStock: async (orderId) =>
      db
        .select({ variantId: orderLine.variantId, quantity: orderLine.quantity })
        .from(orderLine)
        .where(eq(orderLine.orderId, orderId))
        .orderBy(orderLine.variantId, orderLine.id)
        .all(),
    releaseRedemption: async (orderId) => {
      const released = db
        .delete(discountRedemption)
        .where(eq(discountRedemption.orderId, orderId))
        .returning({ discountId: discountRedemption.discountId })
        .get();
      if (!released) return;
      db.update(discount)
        .set({ redemptions: sql`max(${discount.redemptions} - 1, 0)` })
        .where(eq(discount.id, released.discountId))
        .run();
    },
    setPaymentStatus: async (paymentId, from, to, now) =>
      db
        .update(payment)
        .set({ status: to, updatedAt: now })
        .where(and(eq(payment.id, paymentId), eq(payment.status, from)))
        .run().changes === 1,
    staleUnpaidOrders: async (cutoff, limit) =>
      db
        .select({ id: customerOrder.id })
        .from(customerOrder)
        .where(and(eq(customerOrder.status, 'pending_payment'), lt(customerOrder.createdAt, cutoff)))
        .orderBy(customerOrder.createdAt, customerOrder.id)
        .limit(limit)
        .all()
        .map((row) => row.id),

    orderForNotice: async (orderId) => prepared('order-for-notice', q.orderForNotice).get({ orderId }),
    linesForNotice: async (orderId) => prepared('lines-for-notice', q.linesForNotice).all({ orderId }),

    paymentByIntent: async (intentId) =>
      db
        .select(q.paymentColumns)
        .from(payment)
        .where(and(eq(payment.provider, 'stripe'), eq(payment.externalId, intentId)))
        .get(),
    claimPaymentEvent: async (event) =>
      db
        .insert(paymentEvent)
        .values({ id: event.id, type: event.type, outcome: 'pending', receivedAt: event.now })
        .onConflictDoNothing()
        .run().changes === 1,
    setPaymentEventOutcome: async (id, outcome) => {
      db.update(paymentEvent).set({ outcome }).where(eq(paymentEvent.id, id)).run();
    },

    salesTotals: async (start, end) =>
      db.get<{ orders: number; revenue: number }>(sql`
        SELECT count(*) AS orders, coalesce(sum(total), 0) AS revenue
        FROM customer_order
        WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD_SQL}`),
    salesByDay: async (start, end) =>
      db.all(sql`
        SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS date, count(*) AS orders, sum(total) AS revenue
        FROM customer_order
        WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD_SQL}
        GROUP BY date ORDER BY date`),
    topProducts: async (start, end, limit) =>
      db.all(sql`
        SELECT l.product_id AS productId, p.name AS name, sum(l.quantity) AS quantity, sum(l.line_total) AS revenue
        FROM customer_order o
        JOIN order_line l ON l.order_id = o.id
        JOIN product p ON p.id = l.product_id
        WHERE o.created_at >= ${start} AND o.created_at < ${end} AND o.status IN ${SOLD_SQL}
        GROUP BY l.product_id ORDER BY revenue DESC, quantity DESC, l.product_id LIMIT ${limit}`),
  };
}
