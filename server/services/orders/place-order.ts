import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type { IdempotencyRecord, NewOrder } from '../../../db/stores/orders.js';
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
function replayKey(previous: IdempotencyRecord | undefined, hash: string): Written {
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
 * placeOrder's read and write (Engine.readThenWrite): reads the facts with the key's earlier use
 * (a used key answers its stored answer instead), prices the cart, then places the order in one
 * write: the key claimed, the order with its price snapshots, payment row and history, the cart
 * emptied, the notifications queued, and last the stock taken and the discount counted. That write
 * checks again what the read saw (the key still free, the stock, the discount's room) and refuses
 * as a whole when it no longer holds.
 */
async function writeOrder(
  s: Stores,
  deps: PlaceOrderDeps,
  user: SessionUser,
  input: PlaceOrderInput,
  hash: string,
): Promise<Written> {
  const { now } = deps;
  const read = await s.checkout.orderFacts({
    userId: user.id,
    key: input.idempotencyKey,
    shippingOptionId: input.shippingOptionId,
    country: input.shippingAddress.country,
  });
  if (read.previous) return replayKey(read.previous, hash);

  const priced = await priceFrom(read, otherAreas(s), {
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
  // Taken with the facts for a cart with lines and a new key (OrderFacts.number); priceFrom refused an empty cart.
  const { number } = read;
  if (number === null) throw new Error('no order number was taken for a cart with lines and a new key');
  const orderId = newId();
  const newOrder: NewOrder = {
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
  // The mail, the webhooks and the answer are built from the order in hand, not read back.
  const created = newOrderView(newOrder, number);
  // NOTE: with a provider that needs no call (manual) the answer is final now, so it is stored with
  // the key in this same write; otherwise it is stored once the payment has started.
  const placed = callsProvider(deps.payments.name) ? null : { order: created, payment: created.payment };
  const done = await s.checkout.place({
    key: {
      userId: user.id,
      key: input.idempotencyKey,
      requestHash: hash,
      now,
      response: placed && JSON.stringify(placed),
    },
    order: newOrder,
    cartId: priced.cartId,
    messages: createdOrderMessages(created, user.name, priced.webhooks, now),
    events: [orderEvent(orderId, 'order.created', 'pending_payment')],
    // In variant-id order, so that two orders sharing variants lock their rows in the same order.
    stock: [...priced.lines]
      .sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0))
      .map(({ variantId, productId, quantity }) => ({ variantId, productId, quantity })),
  });
  if (done.ok) return { orderId, placed, replay: null };
  // Another request with this key got there first (PostgreSQL; it has committed): its answer.
  if (done.reason === 'KEY_TAKEN') {
    return replayKey(await s.orders.idempotencyKey(user.id, input.idempotencyKey), hash);
  }
  // Either refusal leaves nothing behind (SQLite's transaction rolls back on the throw).
  if (done.reason === 'DISCOUNT_EXHAUSTED') throw discountError('DISCOUNT_EXHAUSTED');
  const short = priced.lines.find((line) => line.variantId === done.variantId);
  throw short ? outOfStock(short) : new AppError('CONFLICT', 'OUT_OF_STOCK', 'An item is sold out');
}

/**
 * Turns the user's cart into an order (SQLite: one transaction, a unit of the group commit, one
 * COMMIT per batch; PostgreSQL: a read, then one statement committing on its own, run again on a
 * deadlock or serialization failure).
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
  const written = await engine.readThenWrite((s) => writeOrder(s, deps, user, input, hash));

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
