import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { payment } from '../../../db/sqlite/schema/index.js';
import { inWriteBatch } from '../../../db/sqlite/write-batch.js';
import type { placeOrderInput } from '../../../shared/schemas/index.js';
import type { SessionUser } from '../../auth/sessions.js';
import { lineTotal } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { PaymentProvider } from '../../integrations/payments/index.js';
import type { CartLineRow } from '../cart/cart.js';
import { emptyCartItems } from '../cart/cart-writes.js';
import { discountError } from '../cart/discounts.js';
import { changeStock } from '../catalog/inventory.js';
import { priceCheckout } from './checkout.js';
import { notifyOrder } from './order-notifications.js';
import * as records from './order-records.js';
import { loadOrder, type Order, type Payment } from './order-view.js';

type PlaceOrderInput = z.output<typeof placeOrderInput>;

/** A stable hash of what a placeOrder call asks for (not the key itself). */
function requestHash(input: PlaceOrderInput): string {
  const { idempotencyKey: _key, ...request } = input;
  const canonical = JSON.stringify(request, (_k, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

const outOfStock = (line: CartLineRow) =>
  new AppError(
    'CONFLICT',
    'OUT_OF_STOCK',
    line.available > 0 ? `Only ${line.available} of ${line.sku} left` : `${line.sku} is sold out`,
  );

export interface PlaceOrderDeps {
  db: Executor;
  payments: PaymentProvider;
  currency: string;
  now: number;
}

export type PlacedOrder = { order: Order; payment: Payment };

/** The order written (with its final answer when no provider call is needed), or a stored answer. */
type Written = { orderId: string; placed: PlacedOrder | null; replay: string | null };

/** Whether starting a payment calls out (stripe) or is settled outside the shop (manual). */
const callsProvider = (provider: PaymentProvider['name']) => provider !== 'manual';

/**
 * The write of placeOrder, run inside the caller's transaction with the root handle (so the
 * prepared statements are reused): takes the stock of every line (conditional updates: all or
 * none), counts the discount, writes the order with its price snapshots, payment row and ledger
 * rows, empties the cart and records the idempotency key. A replayed key returns the stored answer.
 */
function writeOrder(deps: PlaceOrderDeps, user: SessionUser, input: PlaceOrderInput, hash: string): Written {
  const { db, now } = deps;
  const previous = records.previousKey(db).get({ userId: user.id, key: input.idempotencyKey });
  if (previous) {
    if (previous.requestHash !== hash) {
      throw new AppError(
        'CONFLICT',
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was used for a different order',
      );
    }
    return { orderId: previous.orderId ?? '', placed: null, replay: previous.response };
  }

  const priced = priceCheckout(db, {
    userId: user.id,
    address: input.shippingAddress,
    shippingOptionId: input.shippingOptionId,
    now,
  });
  if (input.expectedTotal !== undefined && input.expectedTotal !== priced.totals.total) {
    throw new AppError('CONFLICT', 'PRICE_CHANGED', `The total is now ${priced.totals.total}`);
  }

  const orderId = newId();
  for (const line of priced.lines) {
    if (line.available < line.quantity) throw outOfStock(line);
    const left = changeStock(db, {
      variantId: line.variantId,
      delta: -line.quantity,
      reason: 'order',
      actorId: user.id,
      orderId,
      now,
    });
    if (left === null) throw outOfStock(line); // the caller's rollback undoes the lines already taken
  }
  if (priced.discount) {
    const counted = records.countRedemption(db).run({ id: priced.discount.id });
    if (counted.changes !== 1) throw discountError('DISCOUNT_EXHAUSTED');
  }

  const number = records.nextOrderNumber(db).get()?.n ?? 1001;
  const { totals } = priced;
  records.insertOrder(db).run({
    id: orderId,
    number,
    userId: user.id,
    email: user.email,
    currency: deps.currency,
    subtotal: totals.subtotal,
    discountId: priced.discount?.id ?? null,
    discountCode: priced.discount?.code ?? null,
    discountAmount: totals.discount,
    shippingOptionId: priced.option.id,
    shippingName: priced.option.name,
    shippingPrice: totals.shipping,
    tax: totals.tax,
    total: totals.total,
    shippingAddress: JSON.stringify(input.shippingAddress),
    now,
  });
  for (const line of priced.lines) {
    records.insertOrderLine(db).run({
      orderId,
      variantId: line.variantId,
      productId: line.productId,
      productName: line.productName,
      variantName: line.variantName,
      sku: line.sku,
      unitPrice: line.unitPrice,
      quantity: line.quantity,
      lineTotal: lineTotal(line),
    });
  }
  records.insertOrderEvent(db).run({ orderId, status: 'pending_payment', actorId: user.id, now });
  if (priced.discount) {
    records.insertRedemption(db).run({ orderId, discountId: priced.discount.id, userId: user.id, now });
  }
  records.insertPayment(db).run({
    id: newId(),
    orderId,
    provider: deps.payments.name,
    amount: totals.total,
    currency: deps.currency,
    now,
  });
  emptyCartItems(db).run({ cartId: priced.cartId });
  records.resetCart(db).run({ cartId: priced.cartId, now });
  notifyOrder(db, orderId, 'created', now);
  // NOTE: with a provider that needs no call (manual) the answer is final now, so it is stored with
  // the key in this same commit; otherwise it is stored once the payment has started.
  let placed: PlacedOrder | null = null;
  if (!callsProvider(deps.payments.name)) {
    const order = loadOrder(db, orderId);
    placed = { order, payment: order.payment };
  }
  records.insertIdempotencyKey(db).run({
    userId: user.id,
    key: input.idempotencyKey,
    requestHash: hash,
    orderId,
    response: placed && JSON.stringify(placed),
    now,
  });
  return { orderId, placed, replay: null };
}

/**
 * Turns the user's cart into an order in one IMMEDIATE transaction shared with the other orders of
 * this turn (see writeOrder and inWriteBatch): one commit per batch with the manual provider. A
 * provider that calls out is called afterwards, outside the transaction, and the first answer is
 * then stored with the key (Stripe's semantics: a failed start leaves the order, and the same key
 * retries only the payment). A failed group COMMIT rejects with WriteBatchError: nothing was
 * written, so the same key may be retried.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  user: SessionUser,
  input: PlaceOrderInput,
): Promise<PlacedOrder> {
  const { db } = deps;
  const hash = requestHash(input);
  // Group commit: the orders placed in this event-loop turn share one IMMEDIATE transaction, each in
  // its own savepoint, and are answered once its COMMIT returned.
  const written = await inWriteBatch(db, () => writeOrder(deps, user, input, hash));

  if (written.placed) return written.placed;
  if (written.replay) return JSON.parse(written.replay) as PlacedOrder;
  try {
    await startPayment(deps, written.orderId);
  } catch {
    // The order stands (stock is held); the same idempotency key retries only the payment.
    throw new AppError(
      'SERVICE_UNAVAILABLE',
      'PAYMENT_UNAVAILABLE',
      'The order is placed but its payment could not be started; retry with the same idempotency key',
    );
  }
  const order = loadOrder(db, written.orderId);
  const placed = { order, payment: order.payment };
  records
    .storeResponse(db)
    .run({ response: JSON.stringify(placed), userId: user.id, key: input.idempotencyKey });
  return placed;
}

/**
 * Asks the provider to start collecting the order's payment, once: a payment that already has its
 * provider reference is left alone, so retries and replays never start a second one.
 */
export async function startPayment(
  deps: Pick<PlaceOrderDeps, 'db' | 'payments'>,
  orderId: string,
): Promise<void> {
  const row = records.paymentOfOrder(deps.db).get({ orderId });
  if (!row || !callsProvider(row.provider) || row.externalId !== null) return;
  const started = await deps.payments.createPayment({ orderId, amount: row.amount, currency: row.currency });
  deps.db
    .update(payment)
    .set({ externalId: started.externalId, clientSecret: started.clientSecret })
    .where(and(eq(payment.id, row.id), isNull(payment.externalId)))
    .run();
}
