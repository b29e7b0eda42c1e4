import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { customerOrder, orderEvent, orderLine, payment } from '../../../db/sqlite/schema/index.js';
import type { OrderStatus } from '../../../shared/reasons.js';
import { escapeLike } from '../../domain/search-query.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface AddressJson {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode: string;
  country: string;
  phone?: string | undefined;
}

export function paymentView(row: typeof payment.$inferSelect) {
  return {
    id: row.id,
    provider: row.provider,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    clientSecret: row.clientSecret,
  };
}

export type Payment = ReturnType<typeof paymentView>;

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

// The payment row is written in the order's own transaction (one per order), so the join always holds.
const orderById = (db: Executor) =>
  db
    .select(orderColumns)
    .from(customerOrder)
    .innerJoin(payment, eq(payment.orderId, customerOrder.id))
    .where(eq(customerOrder.id, sql.placeholder('id')))
    .prepare();

const ownOrderById = (db: Executor) =>
  db
    .select(orderColumns)
    .from(customerOrder)
    .innerJoin(payment, eq(payment.orderId, customerOrder.id))
    .where(
      and(eq(customerOrder.id, sql.placeholder('id')), eq(customerOrder.userId, sql.placeholder('userId'))),
    )
    .prepare();

const orderLines = (db: Executor) =>
  db
    .select({
      variantId: orderLine.variantId,
      productId: orderLine.productId,
      productName: orderLine.productName,
      variantName: orderLine.variantName,
      sku: orderLine.sku,
      unitPrice: orderLine.unitPrice,
      quantity: orderLine.quantity,
      lineTotal: orderLine.lineTotal,
    })
    .from(orderLine)
    .where(eq(orderLine.orderId, sql.placeholder('id')))
    .orderBy(asc(orderLine.id))
    .prepare();

const orderHistory = (db: Executor) =>
  db
    .select({ status: orderEvent.status, createdAt: orderEvent.createdAt, note: orderEvent.note })
    .from(orderEvent)
    .where(eq(orderEvent.orderId, sql.placeholder('id')))
    .orderBy(asc(orderEvent.id))
    .prepare();

/** API.md's Order. With `userId`, only that user's order is found (others look missing). */
export function loadOrder(db: Executor, id: string, scope: { userId?: string } = {}) {
  const row = scope.userId
    ? preparedQuery(db, 'own-order', ownOrderById).get({ id, userId: scope.userId })
    : preparedQuery(db, 'order', orderById).get({ id });
  if (!row) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such order');
  const lines = preparedQuery(db, 'order-lines', orderLines).all({ id });
  const history = preparedQuery(db, 'order-history', orderHistory).all({ id });
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    items: lines,
    currency: row.currency,
    subtotal: row.subtotal,
    discount: row.discountCode ? { code: row.discountCode, amount: row.discountAmount } : null,
    shipping: { optionId: row.shippingOptionId, name: row.shippingName, price: row.shippingPrice },
    tax: row.tax,
    total: row.total,
    shippingAddress: JSON.parse(row.shippingAddress) as AddressJson,
    payment: row.payment,
    trackingNumber: row.trackingNumber,
    history: history.map((h) => ({ status: h.status, at: iso(h.createdAt), note: h.note })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export type Order = ReturnType<typeof loadOrder>;

/** A page of order summaries, newest first, keyset on (createdAt, id). */
/** An admin's order search: an order number (`1042`, `#1042`), or part of the customer's email. */
function orderSearch(q: string) {
  const number = /^#?(\d{1,12})$/.exec(q)?.[1];
  if (number) return eq(customerOrder.number, Number(number));
  return sql`${customerOrder.email} LIKE ${`%${escapeLike(q.toLowerCase())}%`} ESCAPE '\\'`;
}

export function listOrderSummaries(
  db: Executor,
  filter: { userId?: string; status?: OrderStatus; search?: string },
  page: { limit: number; cursor?: string | undefined },
) {
  const conditions = [];
  if (filter.userId) conditions.push(eq(customerOrder.userId, filter.userId));
  if (filter.status) conditions.push(eq(customerOrder.status, filter.status));
  if (filter.search) conditions.push(orderSearch(filter.search));
  if (page.cursor !== undefined) {
    const [at, id] = cursorKeys(page.cursor, 'orders', ['number', 'string']) as [number, string];
    conditions.push(
      or(lt(customerOrder.createdAt, at), and(eq(customerOrder.createdAt, at), lt(customerOrder.id, id))),
    );
  }
  const rows = db
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
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(customerOrder.createdAt), desc(customerOrder.id))
    .limit(page.limit + 1)
    .all();
  const result = toPage(rows, page.limit, 'orders', (r) => [r.createdAt, r.id]);
  return { ...result, items: result.items.map((r) => ({ ...r, createdAt: iso(r.createdAt) })) };
}
