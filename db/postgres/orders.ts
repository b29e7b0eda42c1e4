import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../server/domain/search-query.js';
import type { NewOrder, OrderFilter, OrderStore } from '../stores/orders.js';
import type { PgExecutor } from './client.js';
import { namedStatement } from './named-statement.js';
import {
  customerOrder,
  discount,
  discountRedemption,
  idempotencyKey,
  orderEvent,
  orderLine,
  payment,
  paymentEvent,
  user,
} from './schema/index.js';

const SOLD = ['paid', 'fulfilled', 'delivered'] as const;
const SOLD_SQL = sql`('paid', 'fulfilled', 'delivered')`;
const paymentColumns = {
  id: payment.id,
  orderId: payment.orderId,
  provider: payment.provider,
  status: payment.status,
  amount: payment.amount,
  currency: payment.currency,
  externalId: payment.externalId,
  clientSecret: payment.clientSecret,
};

const orderColumns = {
  id: customerOrder.id,
  number: customerOrder.number,
  status: customerOrder.status,
  email: customerOrder.email,
  currency: customerOrder.currency,
  subtotal: customerOrder.subtotal,
  discountCode: customerOrder.discountCode,
  discountAmount: customerOrder.discountAmount,
  shippingOptionId: customerOrder.shippingOptionId,
  shippingName: customerOrder.shippingName,
  shippingPrice: customerOrder.shippingPrice,
  tax: customerOrder.tax,
  total: customerOrder.total,
  shippingAddress: customerOrder.shippingAddress,
  trackingNumber: customerOrder.trackingNumber,
  createdAt: customerOrder.createdAt,
  updatedAt: customerOrder.updatedAt,
  payment: {
    id: payment.id,
    provider: payment.provider,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    clientSecret: payment.clientSecret,
  },
};

const orderLineColumns = {
  variantId: orderLine.variantId,
  productId: orderLine.productId,
  productName: orderLine.productName,
  variantName: orderLine.variantName,
  sku: orderLine.sku,
  unitPrice: orderLine.unitPrice,
  quantity: orderLine.quantity,
  lineTotal: orderLine.lineTotal,
};

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

const ph = sql.placeholder;

/**
 * The CTEs that write a new order: the order, its lines, its first history row and its payment,
 * each only when `when` holds (placeOrder's statement writes them only once it claimed the key,
 * db/postgres/checkout.ts). Their values are orderValues' placeholders.
 */
export const orderWrites = (when: SQL) => sql`
    placed AS (
      INSERT INTO customer_order (id, number, user_id, email, status, currency, subtotal,
        discount_id, discount_code, discount_amount, shipping_option_id, shipping_name,
        shipping_price, tax, total, shipping_address, created_at, updated_at)
      SELECT ${ph('id')}::text, ${ph('number')}::integer, ${ph('userId')}::text, ${ph('email')}::text,
        'pending_payment', ${ph('currency')}::text, ${ph('subtotal')}::bigint, ${ph('discountId')}::text,
        ${ph('discountCode')}::text, ${ph('discountAmount')}::bigint, ${ph('shippingOptionId')}::text,
        ${ph('shippingName')}::text, ${ph('shippingPrice')}::bigint, ${ph('tax')}::bigint, ${ph('total')}::bigint,
        ${ph('shippingAddress')}::text, ${ph('now')}::bigint, ${ph('now')}::bigint
      WHERE ${when}),
    placed_lines AS (
      INSERT INTO order_line (order_id, variant_id, product_id, product_name, variant_name, sku,
        unit_price, quantity, line_total)
      SELECT ${ph('id')}::text, l.variant_id, l.product_id, l.product_name, l.variant_name, l.sku,
        l.unit_price, l.quantity, l.line_total
      FROM jsonb_to_recordset(${ph('lines')}::jsonb) AS l(variant_id text, product_id text,
        product_name text, variant_name text, sku text, unit_price bigint, quantity integer,
        line_total bigint)
      WHERE ${when}),
    history AS (
      INSERT INTO order_event (order_id, status, actor_id, created_at)
      SELECT ${ph('id')}::text, 'pending_payment', ${ph('userId')}::text, ${ph('now')}::bigint
      WHERE ${when}),
    started AS (
      INSERT INTO payment (id, order_id, provider, status, amount, currency, created_at, updated_at)
      SELECT ${ph('paymentId')}::text, ${ph('id')}::text, ${ph('provider')}::text, 'pending',
        ${ph('total')}::bigint, ${ph('currency')}::text, ${ph('now')}::bigint, ${ph('now')}::bigint
      WHERE ${when})`;

/** orderWrites' values for one order. */
export function orderValues(order: NewOrder): Record<string, unknown> {
  const { payment: started, lines, ...facts } = order;
  return {
    ...facts,
    lines: JSON.stringify(
      lines.map((line) => ({
        variant_id: line.variantId,
        product_id: line.productId,
        product_name: line.productName,
        variant_name: line.variantName,
        sku: line.sku,
        unit_price: line.unitPrice,
        quantity: line.quantity,
        line_total: line.lineTotal,
      })),
    ),
    paymentId: started.id,
    provider: started.provider,
  };
}

/** The order, its lines, its first history row and its payment: one statement, one round trip. */
const insertOrderStatement = namedStatement(
  'orders_insert_order',
  sql`WITH ${orderWrites(sql`true`)} SELECT 1`,
);

/** The orders area's queries on PostgreSQL: the same rows, order and refusals as on SQLite. */
export function postgresOrders(db: PgExecutor): OrderStore {
  return {
    // NOTE: placeOrder claims and completes its key inside db/postgres/checkout.ts's statements;
    // these two serve the store's other callers (the composed checkout, the tests).
    claimIdempotencyKey: async (claim) => {
      const claimed = await db
        .insert(idempotencyKey)
        .values({
          userId: claim.userId,
          key: claim.key,
          requestHash: claim.requestHash,
          createdAt: claim.now,
        })
        .onConflictDoNothing()
        .returning({ key: idempotencyKey.key });
      return claimed.length === 1;
    },
    idempotencyKey: async (userId, key) => {
      const [row] = await db
        .select({
          requestHash: idempotencyKey.requestHash,
          orderId: idempotencyKey.orderId,
          response: idempotencyKey.response,
        })
        .from(idempotencyKey)
        .where(and(eq(idempotencyKey.userId, userId), eq(idempotencyKey.key, key)));
      return row;
    },
    completeIdempotencyKey: async (done) => {
      await db
        .update(idempotencyKey)
        .set({ orderId: done.orderId, response: done.response })
        .where(and(eq(idempotencyKey.userId, done.userId), eq(idempotencyKey.key, done.key)));
    },
    storeResponse: async (userId, key, response) => {
      await db
        .update(idempotencyKey)
        .set({ response })
        .where(
          and(
            eq(idempotencyKey.userId, userId),
            eq(idempotencyKey.key, key),
            isNull(idempotencyKey.response),
          ),
        );
    },
    nextOrderNumber: async () => {
      const { rows } = await db.execute<{ n: number }>(sql`SELECT nextval('order_number_seq')::integer AS n`);
      const [next] = rows;
      if (!next) throw new Error('nextval returned no row');
      return next.n;
    },
    insertOrder: async (order) => {
      await insertOrderStatement(db, orderValues(order));
    },
    insertRedemption: async (redemption) => {
      await db.insert(discountRedemption).values({
        orderId: redemption.orderId,
        discountId: redemption.discountId,
        userId: redemption.userId,
        createdAt: redemption.now,
      });
    },
    paymentOfOrder: async (orderId) => {
      const [row] = await db.select(paymentColumns).from(payment).where(eq(payment.orderId, orderId));
      return row;
    },
    setPaymentReference: async (paymentId, started) => {
      await db
        .update(payment)
        .set({ externalId: started.externalId, clientSecret: started.clientSecret })
        .where(and(eq(payment.id, paymentId), isNull(payment.externalId)));
    },

    order: async (id, userId) => {
      const [row] = await db
        .select(orderColumns)
        .from(customerOrder)
        .innerJoin(payment, eq(payment.orderId, customerOrder.id))
        .where(
          userId === undefined
            ? eq(customerOrder.id, id)
            : and(eq(customerOrder.id, id), eq(customerOrder.userId, userId)),
        );
      return row;
    },
    orderLines: (orderId) =>
      db
        .select(orderLineColumns)
        .from(orderLine)
        .where(eq(orderLine.orderId, orderId))
        .orderBy(asc(orderLine.id)),
    orderHistory: (orderId) =>
      db
        .select({ status: orderEvent.status, createdAt: orderEvent.createdAt, note: orderEvent.note })
        .from(orderEvent)
        .where(eq(orderEvent.orderId, orderId))
        .orderBy(asc(orderEvent.id)),
    orderSummaries: (filter, page) =>
      db
        .select({
          id: customerOrder.id,
          number: customerOrder.number,
          status: customerOrder.status,
          total: customerOrder.total,
          currency: customerOrder.currency,
          email: customerOrder.email,
          createdAt: customerOrder.createdAt,
          // sum() of integers is numeric: cast back so it arrives as an integer like SQLite's.
          itemCount: sql<number>`(SELECT coalesce(sum(l.quantity), 0)::int FROM order_line l WHERE l.order_id = customer_order.id)`,
        })
        .from(customerOrder)
        .where(summaryConditions(filter, page.before))
        .orderBy(desc(customerOrder.createdAt), desc(customerOrder.id))
        .limit(page.limit),
    hasBought: async (userId, productId) => {
      const rows = await db
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
        .limit(1);
      return rows.length > 0;
    },

    lockOrderStatus: async (orderId, ownerId) => {
      // FOR UPDATE: two moves of one order (an admin's and the expiry job's) take turns.
      const [row] = await db
        .select({ status: customerOrder.status })
        .from(customerOrder)
        .where(
          ownerId === undefined
            ? eq(customerOrder.id, orderId)
            : and(eq(customerOrder.id, orderId), eq(customerOrder.userId, ownerId)),
        )
        .for('update');
      return row?.status;
    },
    setOrderStatus: async (orderId, from, to, now) => {
      const moved = await db
        .update(customerOrder)
        .set({ status: to, updatedAt: now })
        .where(and(eq(customerOrder.id, orderId), eq(customerOrder.status, from)))
        .returning({ id: customerOrder.id });
      return moved.length === 1;
    },
    addOrderEvent: async (entry) => {
      await db.insert(orderEvent).values({
        orderId: entry.orderId,
        status: entry.status,
        note: entry.note,
        actorId: entry.actorId,
        createdAt: entry.now,
      });
    },
    setTrackingNumber: async (orderId, trackingNumber) => {
      await db.update(customerOrder).set({ trackingNumber }).where(eq(customerOrder.id, orderId));
    },
    orderStock: (orderId) =>
      db
        .select({ variantId: orderLine.variantId, quantity: orderLine.quantity })
        .from(orderLine)
        .where(eq(orderLine.orderId, orderId))
        .orderBy(sql`${orderLine.variantId} collate "C"`, orderLine.id),
    releaseRedemption: async (orderId) => {
      const [released] = await db
        .delete(discountRedemption)
        .where(eq(discountRedemption.orderId, orderId))
        .returning({ discountId: discountRedemption.discountId });
      if (!released) return;
      await db
        .update(discount)
        .set({ redemptions: sql`greatest(${discount.redemptions} - 1, 0)` })
        .where(eq(discount.id, released.discountId));
    },
    setPaymentStatus: async (paymentId, from, to, now) => {
      const changed = await db
        .update(payment)
        .set({ status: to, updatedAt: now })
        .where(and(eq(payment.id, paymentId), eq(payment.status, from)))
        .returning({ id: payment.id });
      return changed.length === 1;
    },
    staleUnpaidOrders: async (cutoff, limit) =>
      (
        await db
          .select({ id: customerOrder.id })
          .from(customerOrder)
          .where(and(eq(customerOrder.status, 'pending_payment'), lt(customerOrder.createdAt, cutoff)))
          .orderBy(customerOrder.createdAt, customerOrder.id)
          .limit(limit)
      ).map((row) => row.id),

    orderForNotice: async (orderId) => {
      const [row] = await db
        .select({
          id: customerOrder.id,
          number: customerOrder.number,
          status: customerOrder.status,
          email: customerOrder.email,
          total: customerOrder.total,
          currency: customerOrder.currency,
          trackingNumber: customerOrder.trackingNumber,
          name: user.name,
        })
        .from(customerOrder)
        .innerJoin(user, eq(user.id, customerOrder.userId))
        .where(eq(customerOrder.id, orderId));
      return row;
    },
    linesForNotice: (orderId) =>
      db
        .select({ name: orderLine.productName, variant: orderLine.variantName, quantity: orderLine.quantity })
        .from(orderLine)
        .where(eq(orderLine.orderId, orderId))
        .orderBy(orderLine.id),

    paymentByIntent: async (intentId) => {
      const [row] = await db
        .select(paymentColumns)
        .from(payment)
        .where(and(eq(payment.provider, 'stripe'), eq(payment.externalId, intentId)));
      return row;
    },
    claimPaymentEvent: async (event) => {
      const claimed = await db
        .insert(paymentEvent)
        .values({ id: event.id, type: event.type, outcome: 'pending', receivedAt: event.now })
        .onConflictDoNothing()
        .returning({ id: paymentEvent.id });
      return claimed.length === 1;
    },
    setPaymentEventOutcome: async (id, outcome) => {
      await db.update(paymentEvent).set({ outcome }).where(eq(paymentEvent.id, id));
    },

    salesTotals: async (start, end) => {
      const result = await db.execute<{ orders: number; revenue: number }>(sql`
        SELECT count(*)::int AS orders, coalesce(sum(total), 0)::bigint AS revenue
        FROM customer_order
        WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD_SQL}`);
      return result.rows[0] ?? { orders: 0, revenue: 0 };
    },
    salesByDay: async (start, end) => {
      const result = await db.execute<{ date: string; orders: number; revenue: number }>(sql`
        SELECT to_char(to_timestamp(created_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date,
          count(*)::int AS orders, sum(total)::bigint AS revenue
        FROM customer_order
        WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD_SQL}
        GROUP BY 1 ORDER BY 1`);
      return result.rows;
    },
    topProducts: async (start, end, limit) => {
      const result = await db.execute<{
        productId: string;
        name: string;
        quantity: number;
        revenue: number;
      }>(sql`
        SELECT l.product_id AS "productId", p.name AS name, sum(l.quantity)::int AS quantity,
          sum(l.line_total)::bigint AS revenue
        FROM customer_order o
        JOIN order_line l ON l.order_id = o.id
        JOIN product p ON p.id = l.product_id
        WHERE o.created_at >= ${start} AND o.created_at < ${end} AND o.status IN ${SOLD_SQL}
        GROUP BY l.product_id, p.name
        ORDER BY revenue DESC, quantity DESC, l.product_id collate "C" LIMIT ${limit}`);
      return result.rows;
    },
  };
}
