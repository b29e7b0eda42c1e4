import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import {
  customerOrder,
  discountRedemption,
  idempotencyKey,
  orderEvent,
  orderLine,
  payment,
  shippingOption,
  user,
} from './schema/index.js';

/*
 * The prepared statements of the checkout and order-view hot paths, built once per connection by
 * preparedQuery (names prefixed `orders.`, so they never collide with another area's). On the
 * write connection they run inside whatever transaction (group-commit unit) is open there.
 */

const p = sql.placeholder;

export const shippingOptionColumns = {
  id: shippingOption.id,
  name: shippingOption.name,
  countries: shippingOption.countries,
  price: shippingOption.price,
  freeOverSubtotal: shippingOption.freeOverSubtotal,
  minDays: shippingOption.minDays,
  maxDays: shippingOption.maxDays,
};

export const claimKey = (db: Executor) =>
  db
    .insert(idempotencyKey)
    .values({ userId: p('userId'), key: p('key'), requestHash: p('requestHash'), createdAt: p('now') })
    .onConflictDoNothing()
    .prepare();

export const keyRecord = (db: Executor) =>
  db
    .select({
      requestHash: idempotencyKey.requestHash,
      orderId: idempotencyKey.orderId,
      response: idempotencyKey.response,
    })
    .from(idempotencyKey)
    .where(and(eq(idempotencyKey.userId, p('userId')), eq(idempotencyKey.key, p('key'))))
    .prepare();

export const completeKey = (db: Executor) =>
  db
    .update(idempotencyKey)
    .set({ orderId: sql`${p('orderId')}`, response: sql`${p('response')}` })
    .where(and(eq(idempotencyKey.userId, p('userId')), eq(idempotencyKey.key, p('key'))))
    .prepare();

export const storeResponse = (db: Executor) =>
  db
    .update(idempotencyKey)
    .set({ response: sql`${p('response')}` })
    .where(
      and(
        eq(idempotencyKey.userId, p('userId')),
        eq(idempotencyKey.key, p('key')),
        sql`${idempotencyKey.response} IS NULL`,
      ),
    )
    .prepare();

export const nextOrderNumber = (db: Executor) =>
  db
    .select({ n: sql<number>`coalesce(max(${customerOrder.number}), 1000) + 1` })
    .from(customerOrder)
    .prepare();

export const insertOrder = (db: Executor) =>
  db
    .insert(customerOrder)
    .values({
      id: p('id'),
      number: p('number'),
      userId: p('userId'),
      email: p('email'),
      status: 'pending_payment',
      currency: p('currency'),
      subtotal: p('subtotal'),
      discountId: p('discountId'),
      discountCode: p('discountCode'),
      discountAmount: p('discountAmount'),
      shippingOptionId: p('shippingOptionId'),
      shippingName: p('shippingName'),
      shippingPrice: p('shippingPrice'),
      tax: p('tax'),
      total: p('total'),
      shippingAddress: p('shippingAddress'),
      createdAt: p('now'),
      updatedAt: p('now'),
    })
    .prepare();

export const insertOrderLine = (db: Executor) =>
  db
    .insert(orderLine)
    .values({
      orderId: p('orderId'),
      variantId: p('variantId'),
      productId: p('productId'),
      productName: p('productName'),
      variantName: p('variantName'),
      sku: p('sku'),
      unitPrice: p('unitPrice'),
      quantity: p('quantity'),
      lineTotal: p('lineTotal'),
    })
    .prepare();

export const insertOrderEvent = (db: Executor) =>
  db
    .insert(orderEvent)
    .values({
      orderId: p('orderId'),
      status: p('status'),
      note: p('note'),
      actorId: p('actorId'),
      createdAt: p('now'),
    })
    .prepare();

export const insertRedemption = (db: Executor) =>
  db
    .insert(discountRedemption)
    .values({ orderId: p('orderId'), discountId: p('discountId'), userId: p('userId'), createdAt: p('now') })
    .prepare();

export const insertPayment = (db: Executor) =>
  db
    .insert(payment)
    .values({
      id: p('id'),
      orderId: p('orderId'),
      provider: p('provider'),
      status: 'pending',
      amount: p('amount'),
      currency: p('currency'),
      createdAt: p('now'),
      updatedAt: p('now'),
    })
    .prepare();

export const paymentColumns = {
  id: payment.id,
  orderId: payment.orderId,
  provider: payment.provider,
  status: payment.status,
  amount: payment.amount,
  currency: payment.currency,
  externalId: payment.externalId,
  clientSecret: payment.clientSecret,
};

export const paymentOfOrder = (db: Executor) =>
  db
    .select(paymentColumns)
    .from(payment)
    .where(eq(payment.orderId, p('orderId')))
    .prepare();

export const orderColumns = {
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

// The payment row is written in the order's own transaction, so the inner join always holds.
export const orderById = (db: Executor) =>
  db
    .select(orderColumns)
    .from(customerOrder)
    .innerJoin(payment, eq(payment.orderId, customerOrder.id))
    .where(eq(customerOrder.id, p('id')))
    .prepare();

export const ownOrderById = (db: Executor) =>
  db
    .select(orderColumns)
    .from(customerOrder)
    .innerJoin(payment, eq(payment.orderId, customerOrder.id))
    .where(and(eq(customerOrder.id, p('id')), eq(customerOrder.userId, p('userId'))))
    .prepare();

export const orderLineColumns = {
  variantId: orderLine.variantId,
  productId: orderLine.productId,
  productName: orderLine.productName,
  variantName: orderLine.variantName,
  sku: orderLine.sku,
  unitPrice: orderLine.unitPrice,
  quantity: orderLine.quantity,
  lineTotal: orderLine.lineTotal,
};

export const orderLines = (db: Executor) =>
  db
    .select(orderLineColumns)
    .from(orderLine)
    .where(eq(orderLine.orderId, p('id')))
    .orderBy(asc(orderLine.id))
    .prepare();

export const orderHistory = (db: Executor) =>
  db
    .select({ status: orderEvent.status, createdAt: orderEvent.createdAt, note: orderEvent.note })
    .from(orderEvent)
    .where(eq(orderEvent.orderId, p('id')))
    .orderBy(asc(orderEvent.id))
    .prepare();

export const orderForNotice = (db: Executor) =>
  db
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
    .where(eq(customerOrder.id, p('orderId')))
    .prepare();

export const linesForNotice = (db: Executor) =>
  db
    .select({ name: orderLine.productName, variant: orderLine.variantName, quantity: orderLine.quantity })
    .from(orderLine)
    .where(eq(orderLine.orderId, p('orderId')))
    .orderBy(orderLine.id)
    .prepare();
