import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type { NewOrder } from '../../../db/stores/orders.js';
import type { placeOrderInput } from '../../../shared/schemas/index.js';
import type { SessionUser } from '../../auth/sessions.js';
import { lineTotal } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { PaymentProvider } from '../../integrations/payments/index.js';
import type { CartLineRow } from '../cart/cart.js';
import { discountError } from '../cart/discounts.js';
import { orderEvent } from '../live/live-events.js';
import { priceFrom } from './checkout.js';
import { createdOrderMessages } from './order-notifications.js';
import { loadOrder, newOrderView, type Order, type Payment } from './order-view.js';
import { otherAreas } from './other-areas.js';

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
  engine: Engine;
  payments: PaymentProvider;
  currency: string;
  now: number;
}

export type PlacedOrder = { order: Order; payment: Payment };

/** The order written (with its final answer when no provider call is needed), or a stored answer. */
type Written = { orderId: string; placed: PlacedOrder | null; replay: string | null };

/** Whether starting a payment calls out (stripe) or is settled outside the shop (manual). */
const callsProvider = (provider: PaymentProvider['name']) => provider !== 'manual';

/** The answer for a key this user already used: its stored answer, or IDEMPOTENCY_KEY_REUSED. */
async function replayKey(
  tx: Stores,
  user: SessionUser,
  input: PlaceOrderInput,
  hash: string,
): Promise<Written> {
  const previous = await tx.orders.idempotencyKey(user.id, input.idempotencyKey);
  if (previous?.requestHash !== hash) {
    throw new AppError(
      'CONFLICT',
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was used for a different order',
    );
  }
  return { orderId: previous.orderId ?? '', placed: null, replay: previous.response };
}

/** OUT_OF_STOCK for the first line (in cart order) that the stock as read cannot serve. */
function assertInStock(lines: CartLineRow[]) {
  const short = lines.find((line) => line.available < line.quantity);
  if (short) throw outOfStock(short);
}

/**
 * The write of placeOrder, inside one transaction: claims the idempotency key first (a key
 * already used, or used concurrently, answers its stored answer instead), prices the cart, writes
 * the order with its price snapshots, payment row and history, empties the cart, queues the
 * notifications, and last takes the stock and counts the discount.
 */
async function writeOrder(
  tx: Stores,
  deps: PlaceOrderDeps,
  user: SessionUser,
  input: PlaceOrderInput,
  hash: string,
): Promise<Written> {
  const { now } = deps;
  const areas = otherAreas(tx);
  const key = { userId: user.id, key: input.idempotencyKey };
  // The key claimed and the cart, option and rate read in one call (one round trip on PostgreSQL).
  const read = await tx.checkout.claimAndRead(
    { ...key, requestHash: hash, now },
    { userId: user.id, shippingOptionId: input.shippingOptionId, country: input.shippingAddress.country },
  );
  if (!read) return replayKey(tx, user, input, hash);

  const priced = await priceFrom(read, areas, {
    userId: user.id,
    address: input.shippingAddress,
    shippingOptionId: input.shippingOptionId,
    now,
  });
  const { totals } = priced;
  if (input.expectedTotal !== undefined && input.expectedTotal !== totals.total) {
    throw new AppError('CONFLICT', 'PRICE_CHANGED', `The total is now ${totals.total}`);
  }

  assertInStock(priced.lines);
  const orderId = newId();
  const newOrder: NewOrder = {
    id: orderId,
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
    lines: priced.lines.map((line) => ({
      variantId: line.variantId,
      productId: line.productId,
      productName: line.productName,
      variantName: line.variantName,
      sku: line.sku,
      unitPrice: line.unitPrice,
      quantity: line.quantity,
      lineTotal: lineTotal(line),
    })),
    payment: { id: newId(), provider: deps.payments.name },
    now,
  };
  const number = await tx.orders.insertOrder(newOrder);
  // What was just written is in hand: the mail, the webhooks and the answer are built from it, not
  // read back.
  const created = newOrderView(newOrder, number);
  // NOTE: with a provider that needs no call (manual) the answer is final now, so it is stored with
  // the key in this same commit; otherwise it is stored once the payment has started.
  const placed = callsProvider(deps.payments.name) ? null : { order: created, payment: created.payment };
  // The rest in one call (one statement on PostgreSQL): the cart emptied, the key completed, the
  // mail and webhooks queued, then the stock taken (in variant-id order, so that two orders sharing
  // variants lock their rows in the same order) and the discount counted, then the live events
  // (the new order, each variant's stock after it), all committing with the order. The shared rows
  // (a best-seller's variant, a popular code) come last: on PostgreSQL their row locks are held
  // until COMMIT, so concurrent orders for them wait only for this statement and the COMMIT.
  const done = await tx.checkout.completeOrder({
    orderId,
    userId: user.id,
    now,
    cartId: priced.cartId,
    key: input.idempotencyKey,
    response: placed && JSON.stringify(placed),
    messages: createdOrderMessages(created, user.name, priced.webhooks, now),
    events: [orderEvent(orderId, 'order.created', 'pending_payment')],
    stock: [...priced.lines]
      .sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0))
      .map(({ variantId, productId, quantity }) => ({ variantId, productId, quantity })),
    discountId: priced.discount?.id ?? null,
  });
  // Either refusal rolls everything back.
  if (!done.ok && done.reason === 'DISCOUNT_EXHAUSTED') throw discountError('DISCOUNT_EXHAUSTED');
  if (!done.ok) {
    const short = priced.lines.find((line) => line.variantId === done.variantId);
    throw short ? outOfStock(short) : new AppError('CONFLICT', 'OUT_OF_STOCK', 'An item is sold out');
  }
  return { orderId, placed, replay: null };
}

/**
 * Turns the user's cart into an order in one transaction (SQLite: a unit of the group commit, one
 * COMMIT per batch; PostgreSQL: READ COMMITTED, run again on a deadlock or serialization failure).
 * A provider that calls out is called afterwards, outside the transaction, and the first answer is
 * then stored with the key (Stripe's semantics: a failed start leaves the order, and the same key
 * retries only the payment). A failed group COMMIT rejects with WriteBatchError: nothing was
 * written, so the same key may be retried.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  user: SessionUser,
  input: PlaceOrderInput,
): Promise<PlacedOrder> {
  const { engine } = deps;
  const hash = requestHash(input);
  const written = await engine.transaction((tx) => writeOrder(tx, deps, user, input, hash));

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
  const order = await loadOrder(engine.read, written.orderId);
  const placed = { order, payment: order.payment };
  const response = JSON.stringify(placed);
  await engine.transaction((tx) => tx.orders.storeResponse(user.id, input.idempotencyKey, response));
  return placed;
}

/**
 * Asks the provider to start collecting the order's payment, once: a payment that already has its
 * provider reference is left alone, so retries and replays never start a second one.
 */
export async function startPayment(
  deps: Pick<PlaceOrderDeps, 'engine' | 'payments'>,
  orderId: string,
): Promise<void> {
  const row = await deps.engine.read.orders.paymentOfOrder(orderId);
  if (!row || !callsProvider(row.provider) || row.externalId !== null) return;
  const started = await deps.payments.createPayment({ orderId, amount: row.amount, currency: row.currency });
  await deps.engine.transaction((tx) => tx.orders.setPaymentReference(row.id, started));
}
