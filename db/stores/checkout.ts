/**
 * placeOrder's own data access: what pricing an order reads, and everything placing it writes.
 * Each is one call so that PostgreSQL can answer it in one statement (one round trip:
 * db/postgres/checkout.ts); `composedCheckout` here is the same out of the other areas' stores,
 * one call each, and is what SQLite runs (its statements cost no round trip).
 */
import type { CartLineRow, CartRow, ShippingOptionRecord } from './cart.js';
import type { Stores } from './index.js';
import type { NewOutboxMessage, WebhookRow } from './integrations.js';
import { type NewLiveEvent, type StockLevel, stockChangedEvent } from './live.js';
import type { IdempotencyRecord, NewOrder } from './orders.js';

/** Everything pricing the user's cart for one destination and option reads. */
export interface CheckoutFacts {
  cart: CartRow | undefined;
  /** The cart's lines with current prices and availability, oldest first (none without a cart). */
  lines: CartLineRow[];
  option: ShippingOptionRecord | undefined;
  rateBps: number | undefined;
  /** Every merchant webhook, for the order's outbox messages. */
  webhooks: Pick<WebhookRow, 'id' | 'events'>[];
}

/** A line whose stock the order takes. */
export interface StockTake {
  variantId: string;
  productId: string;
  quantity: number;
}

/** Everything placing an order writes, all or nothing (CheckoutStore.place). */
export interface OrderPlacement {
  /** Claimed for this order, with the answer stored with it (null: not final yet). */
  key: KeyClaim & { response: string | null };
  /** The order (its number from OrderFacts), its lines, first history entry and payment. */
  order: NewOrder;
  /** Emptied: its lines deleted, its discount forgotten. */
  cartId: string;
  /** The order's outbox messages (its mail, its webhook deliveries). */
  messages: NewOutboxMessage[];
  /** The order's own live events, before the stock events the placement adds. */
  events: NewLiveEvent[];
  /** Taken in variant-id order, all or none. */
  stock: StockTake[];
}

/**
 * The stock left of each line taken, or why nothing was placed: the key was claimed meanwhile by
 * another request (its answer is the one to give), a line is short, the discount is used up.
 */
export type PlacementResult =
  | { ok: true; left: StockLevel[] }
  | { ok: false; reason: 'KEY_TAKEN' }
  | { ok: false; reason: 'OUT_OF_STOCK'; variantId: string }
  | { ok: false; reason: 'DISCOUNT_EXHAUSTED' };

/** Which cart, option and destination to price. */
export interface FactsQuery {
  userId: string;
  shippingOptionId: string;
  country: string;
}

/** placeOrder's facts: the request's idempotency key besides. */
export interface OrderFactsQuery extends FactsQuery {
  key: string;
}

/** What placeOrder decides on: the facts, the key's earlier use if any, the new order's number. */
export interface OrderFacts extends CheckoutFacts {
  previous: IdempotencyRecord | undefined;
  /**
   * The number the new order will take; null when no order can come of this read (the key was used
   * before: its answer is replayed; or the cart has no line), so that those take no number (on
   * PostgreSQL a number taken is gone, order or not).
   */
  number: number | null;
}

/** An order's idempotency key to claim (see OrderStore.claimIdempotencyKey). */
export interface KeyClaim {
  userId: string;
  key: string;
  requestHash: string;
  now: number;
}

export interface CheckoutStore {
  facts(query: FactsQuery): Promise<CheckoutFacts>;
  /** placeOrder's read: the facts, the key's earlier use, and the number the new order will take. */
  orderFacts(query: OrderFactsQuery): Promise<OrderFacts>;
  /**
   * placeOrder's write, all or nothing: the key claimed (KEY_TAKEN when it was claimed first by
   * another request, which has committed by then), the order written, the cart emptied, the
   * outbox messages queued (a webhook's only while it exists), then the stock taken and the
   * discount counted (the rows orders share: their locks are taken last), then the live events
   * (the order's, then each variant's stock). Every condition it relies on is checked here, not
   * only in what was read before: on PostgreSQL it is one statement, run on its own outside any
   * transaction (Engine.readThenWrite). On a refusal other than KEY_TAKEN, SQLite may have written
   * part of it (the caller's transaction rolls back); PostgreSQL has written nothing.
   */
  place(placement: OrderPlacement): Promise<PlacementResult>;
}

/** The checkout store out of the other areas' stores, one call per read or write. */
export function composedCheckout(s: Omit<Stores, 'checkout'>): CheckoutStore {
  const facts = async ({ userId, shippingOptionId, country }: FactsQuery): Promise<CheckoutFacts> => {
    const cart = await s.cart.cartOfUser(userId);
    return {
      cart,
      lines: cart ? await s.cart.lines(cart.id) : [],
      option: await s.cart.shippingOption(shippingOptionId),
      rateBps: await s.cart.taxRateOf(country),
      webhooks: await s.integrations.webhookSubscriptions(),
    };
  };
  return {
    facts,
    async orderFacts({ key, ...query }) {
      const read = await facts(query);
      const previous = await s.orders.idempotencyKey(query.userId, key);
      const ordering = previous === undefined && read.lines.length > 0;
      return { ...read, previous, number: ordering ? await s.orders.nextOrderNumber() : null };
    },
    async place(p) {
      const { order } = p;
      if (!(await s.orders.claimIdempotencyKey(p.key))) return { ok: false, reason: 'KEY_TAKEN' };
      await s.orders.insertOrder(order);
      await s.orders.completeIdempotencyKey({
        userId: order.userId,
        key: p.key.key,
        orderId: order.id,
        response: p.key.response,
      });
      await s.cart.empty(p.cartId, order.now);
      for (const message of p.messages) await s.integrations.enqueue(message);
      if (order.discountId) {
        await s.orders.insertRedemption({
          orderId: order.id,
          discountId: order.discountId,
          userId: order.userId,
          now: order.now,
        });
      }
      const left: StockLevel[] = [];
      for (const line of p.stock) {
        const stock = await s.catalog.changeStock({
          variantId: line.variantId,
          delta: -line.quantity,
          reason: 'order',
          orderId: order.id,
          actorId: order.userId,
          now: order.now,
        });
        if (stock === null) return { ok: false, reason: 'OUT_OF_STOCK', variantId: line.variantId };
        left.push({ variantId: line.variantId, productId: line.productId, available: stock });
      }
      if (order.discountId && !(await s.cart.redeemDiscount(order.discountId))) {
        return { ok: false, reason: 'DISCOUNT_EXHAUSTED' };
      }
      await s.live.append([...p.events, ...left.map(stockChangedEvent)], order.now);
      return { ok: true, left };
    },
  };
}
