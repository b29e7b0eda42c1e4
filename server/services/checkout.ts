import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../db/client.js';
import {
  cart,
  cartItem,
  customerOrder,
  discount,
  discountRedemption,
  idempotencyKey,
  orderEvent,
  orderLine,
  payment,
  shippingOption,
  taxRate,
} from '../../db/schema/index.js';
import type { addressSchema, placeOrderInput } from '../../shared/schemas/index.js';
import type { SessionUser } from '../auth/sessions.js';
import { computeTotals, lineTotal, shippingPrice, type Totals } from '../domain/pricing.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { PaymentProvider } from '../integrations/payments/index.js';
import { type CartLineRow, cartLines, checkDiscount, discountError, findCart } from './cart.js';
import { changeStock } from './inventory.js';
import { notifyOrder } from './order-notifications.js';
import { loadOrder, type Order, type Payment, paymentView } from './order-view.js';

type Address = z.output<typeof addressSchema>;

export interface ShippingOptionRow {
  id: string;
  name: string;
  countries: string[];
  price: number;
  freeOverSubtotal: number | null;
  minDays: number;
  maxDays: number;
}

export function shippingOptionRows(db: Executor): ShippingOptionRow[] {
  return db
    .select()
    .from(shippingOption)
    .orderBy(shippingOption.price, shippingOption.name)
    .all()
    .map((row) => ({ ...row, countries: JSON.parse(row.countries) as string[] }));
}

const shipsTo = (option: ShippingOptionRow, country: string) =>
  option.countries.length === 0 || option.countries.includes(country);

export function taxRateFor(db: Executor, country: string): number {
  return (
    db.select({ rateBps: taxRate.rateBps }).from(taxRate).where(eq(taxRate.country, country)).get()
      ?.rateBps ?? 0
  );
}

interface Priced {
  cartId: string;
  lines: CartLineRow[];
  totals: Totals;
  discount: { id: string; code: string } | null;
  option: ShippingOptionRow;
}

/**
 * Prices the user's cart for a destination and option, exactly as the order will be: CART_EMPTY,
 * SHIPPING_UNAVAILABLE, or the discount's own reason when its code no longer holds.
 */
export function priceCheckout(
  db: Executor,
  facts: { userId: string; address: Address; shippingOptionId: string; now: number },
): Priced {
  const owned = findCart(db, { userId: facts.userId });
  const lines = owned ? cartLines(db, owned.id) : [];
  if (!owned || lines.length === 0) throw new AppError('BAD_REQUEST', 'CART_EMPTY', 'The cart is empty');
  const option = shippingOptionRows(db).find((o) => o.id === facts.shippingOptionId);
  if (!option || !shipsTo(option, facts.address.country)) {
    throw new AppError('BAD_REQUEST', 'SHIPPING_UNAVAILABLE', 'This shipping option does not ship there');
  }
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = owned.discountId
    ? checkDiscount(db, owned.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  if (applied && !applied.ok) throw discountError(applied.reason);
  const totals = computeTotals({
    lines,
    discount: applied?.ok ? applied.amount : 0,
    shipping: option,
    rateBps: taxRateFor(db, facts.address.country),
  });
  return {
    cartId: owned.id,
    lines,
    totals,
    discount: applied ? { id: applied.id, code: applied.code } : null,
    option,
  };
}

/** Options that ship to the country, priced for the user's cart (free-shipping rule applied). */
export function shippingOptionsFor(db: Executor, facts: { userId: string; country: string; now: number }) {
  const owned = findCart(db, { userId: facts.userId });
  const lines = owned ? cartLines(db, owned.id) : [];
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = owned?.discountId
    ? checkDiscount(db, owned.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  const discounted = subtotal - (applied?.ok ? applied.amount : 0);
  return shippingOptionRows(db)
    .filter((option) => shipsTo(option, facts.country))
    .map((option) => ({
      id: option.id,
      name: option.name,
      price: shippingPrice(option, discounted),
      estimatedDays: { min: option.minDays, max: option.maxDays },
    }));
}

/** A stable hash of what a placeOrder call asks for (not the key itself). */
function requestHash(input: z.output<typeof placeOrderInput>): string {
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

/**
 * Turns the user's cart into an order. One IMMEDIATE transaction takes the stock of every line
 * (conditional updates: all or none), counts the discount, writes the order with its price
 * snapshots, payment row and ledger rows, empties the cart and records the idempotency key.
 * The provider is called afterwards, outside the transaction.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  user: SessionUser,
  input: z.output<typeof placeOrderInput>,
): Promise<PlacedOrder> {
  const { db, now } = deps;
  const hash = requestHash(input);
  const written = db.transaction(
    (tx) => {
      const previous = tx
        .select()
        .from(idempotencyKey)
        .where(and(eq(idempotencyKey.userId, user.id), eq(idempotencyKey.key, input.idempotencyKey)))
        .get();
      if (previous) {
        if (previous.requestHash !== hash) {
          throw new AppError(
            'CONFLICT',
            'IDEMPOTENCY_KEY_REUSED',
            'This idempotency key was used for a different order',
          );
        }
        return { orderId: previous.orderId ?? '', replay: previous.response };
      }

      const priced = priceCheckout(tx, {
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
        const left = changeStock(tx, {
          variantId: line.variantId,
          delta: -line.quantity,
          reason: 'order',
          actorId: user.id,
          orderId,
          now,
        });
        if (left === null) throw outOfStock(line); // rolls back the lines already taken
      }

      if (priced.discount) {
        const counted = tx
          .update(discount)
          .set({ redemptions: sql`${discount.redemptions} + 1` })
          .where(
            and(
              eq(discount.id, priced.discount.id),
              sql`(${discount.maxRedemptions} IS NULL OR ${discount.redemptions} < ${discount.maxRedemptions})`,
            ),
          )
          .run();
        if (counted.changes !== 1) throw discountError('DISCOUNT_EXHAUSTED');
      }

      const number =
        (tx
          .select({ n: sql<number | null>`max(${customerOrder.number})` })
          .from(customerOrder)
          .get()?.n ?? 1000) + 1;
      const { totals } = priced;
      tx.insert(customerOrder)
        .values({
          id: orderId,
          number,
          userId: user.id,
          email: user.email,
          status: 'pending_payment',
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
          createdAt: now,
          updatedAt: now,
        })
        .run();
      tx.insert(orderLine)
        .values(
          priced.lines.map((line) => ({
            orderId,
            variantId: line.variantId,
            productId: line.productId,
            productName: line.productName,
            variantName: line.variantName,
            sku: line.sku,
            unitPrice: line.unitPrice,
            quantity: line.quantity,
            lineTotal: lineTotal(line),
          })),
        )
        .run();
      tx.insert(orderEvent)
        .values({ orderId, status: 'pending_payment', actorId: user.id, createdAt: now })
        .run();
      if (priced.discount) {
        tx.insert(discountRedemption)
          .values({ orderId, discountId: priced.discount.id, userId: user.id, createdAt: now })
          .run();
      }
      tx.insert(payment)
        .values({
          id: newId(),
          orderId,
          provider: deps.payments.name,
          status: 'pending',
          amount: totals.total,
          currency: deps.currency,
          createdAt: now,
          updatedAt: now,
        })
        .run();
      tx.delete(cartItem).where(eq(cartItem.cartId, priced.cartId)).run();
      tx.update(cart).set({ discountId: null, updatedAt: now }).where(eq(cart.id, priced.cartId)).run();
      tx.insert(idempotencyKey)
        .values({ userId: user.id, key: input.idempotencyKey, requestHash: hash, orderId, createdAt: now })
        .run();
      notifyOrder(tx, orderId, 'created', now);
      return { orderId, replay: null };
    },
    { behavior: 'immediate' },
  );

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
  const placed = { order: loadOrder(db, written.orderId), payment: currentPayment(db, written.orderId) };
  db.update(idempotencyKey)
    .set({ response: JSON.stringify(placed) })
    .where(
      and(
        eq(idempotencyKey.userId, user.id),
        eq(idempotencyKey.key, input.idempotencyKey),
        isNull(idempotencyKey.response),
      ),
    )
    .run();
  return placed;
}

function currentPayment(db: Executor, orderId: string): Payment {
  const row = db.select().from(payment).where(eq(payment.orderId, orderId)).get();
  if (!row) throw new Error(`order ${orderId} has no payment row`);
  return paymentView(row);
}

/**
 * Asks the provider to start collecting the order's payment, once: a payment that already has its
 * provider reference is left alone, so retries and replays never start a second one.
 */
export async function startPayment(
  deps: Pick<PlaceOrderDeps, 'db' | 'payments'>,
  orderId: string,
): Promise<void> {
  const row = deps.db.select().from(payment).where(eq(payment.orderId, orderId)).get();
  if (!row || row.provider === 'manual' || row.externalId !== null) return;
  const started = await deps.payments.createPayment({ orderId, amount: row.amount, currency: row.currency });
  deps.db
    .update(payment)
    .set({ externalId: started.externalId, clientSecret: started.clientSecret })
    .where(and(eq(payment.id, row.id), isNull(payment.externalId)))
    .run();
}

/** Totals for a quote, with the currency. */
export function quote(
  db: Executor,
  facts: { userId: string; address: Address; shippingOptionId: string; now: number },
  currency: string,
) {
  return { currency, ...priceCheckout(db, facts).totals };
}
