import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import {
  cart,
  customerOrder,
  discount,
  discountRedemption,
  idempotencyKey,
  orderEvent,
  orderLine,
  payment,
} from '../../../db/sqlite/schema/index.js';

/*
 * The prepared statements that write a new order, built once per database handle. Run them with
 * the root handle inside the caller's transaction: better-sqlite3 has one connection, so a
 * statement prepared on it runs inside whatever transaction is open there.
 */

const p = sql.placeholder;

export const previousKey = (db: Executor) =>
  preparedQuery(db, 'idempotency-key', (d) =>
    d
      .select({
        requestHash: idempotencyKey.requestHash,
        orderId: idempotencyKey.orderId,
        response: idempotencyKey.response,
      })
      .from(idempotencyKey)
      .where(and(eq(idempotencyKey.userId, p('userId')), eq(idempotencyKey.key, p('key'))))
      .prepare(),
  );

export const countRedemption = (db: Executor) =>
  preparedQuery(db, 'discount-count', (d) =>
    d
      .update(discount)
      .set({ redemptions: sql`${discount.redemptions} + 1` })
      .where(
        and(
          eq(discount.id, p('id')),
          sql`(${discount.maxRedemptions} IS NULL OR ${discount.redemptions} < ${discount.maxRedemptions})`,
        ),
      )
      .prepare(),
  );

export const nextOrderNumber = (db: Executor) =>
  preparedQuery(db, 'order-number', (d) =>
    d
      .select({ n: sql<number>`coalesce(max(${customerOrder.number}), 1000) + 1` })
      .from(customerOrder)
      .prepare(),
  );

export const insertOrder = (db: Executor) =>
  preparedQuery(db, 'order-insert', (d) =>
    d
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
      .prepare(),
  );

export const insertOrderLine = (db: Executor) =>
  preparedQuery(db, 'order-line-insert', (d) =>
    d
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
      .prepare(),
  );

export const insertOrderEvent = (db: Executor) =>
  preparedQuery(db, 'order-event-insert', (d) =>
    d
      .insert(orderEvent)
      .values({ orderId: p('orderId'), status: p('status'), actorId: p('actorId'), createdAt: p('now') })
      .prepare(),
  );

export const insertRedemption = (db: Executor) =>
  preparedQuery(db, 'redemption-insert', (d) =>
    d
      .insert(discountRedemption)
      .values({
        orderId: p('orderId'),
        discountId: p('discountId'),
        userId: p('userId'),
        createdAt: p('now'),
      })
      .prepare(),
  );

export const insertPayment = (db: Executor) =>
  preparedQuery(db, 'payment-insert', (d) =>
    d
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
      .prepare(),
  );

export const resetCart = (db: Executor) =>
  preparedQuery(db, 'cart-reset', (d) =>
    d
      .update(cart)
      .set({ discountId: null, updatedAt: sql`${p('now')}` })
      .where(eq(cart.id, p('cartId')))
      .prepare(),
  );

export const insertIdempotencyKey = (db: Executor) =>
  preparedQuery(db, 'idempotency-key-insert', (d) =>
    d
      .insert(idempotencyKey)
      .values({
        userId: p('userId'),
        key: p('key'),
        requestHash: p('requestHash'),
        orderId: p('orderId'),
        response: p('response'),
        createdAt: p('now'),
      })
      .prepare(),
  );

/** Stores the first answer for a key that has none yet (a payment started after the commit). */
export const storeResponse = (db: Executor) =>
  preparedQuery(db, 'idempotency-response', (d) =>
    d
      .update(idempotencyKey)
      .set({ response: sql`${p('response')}` })
      .where(
        and(
          eq(idempotencyKey.userId, p('userId')),
          eq(idempotencyKey.key, p('key')),
          sql`${idempotencyKey.response} IS NULL`,
        ),
      )
      .prepare(),
  );

export const paymentOfOrder = (db: Executor) =>
  preparedQuery(db, 'payment-of-order', (d) =>
    d
      .select({
        id: payment.id,
        provider: payment.provider,
        amount: payment.amount,
        currency: payment.currency,
        externalId: payment.externalId,
      })
      .from(payment)
      .where(eq(payment.orderId, p('orderId')))
      .prepare(),
  );
