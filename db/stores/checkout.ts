/**
 * placeOrder's own data access: what pricing an order reads, and what placing it writes once the
 * order row exists. Each is one call so that PostgreSQL can answer it in one statement (one round
 * trip: db/postgres/checkout.ts); `composedCheckout` here is the same out of the other areas'
 * stores, one call each, and is what SQLite runs (its statements cost no round trip).
 */
import type { CartLineRow, CartRow, ShippingOptionRecord } from './cart.js';
import type { Stores } from './index.js';
import type { NewOutboxMessage, WebhookRow } from './integrations.js';
import { type NewLiveEvent, type StockLevel, stockChangedEvent } from './live.js';

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

/** What placing an order writes after the order row itself, in the order's transaction. */
export interface OrderCompletion {
  orderId: string;
  userId: string;
  now: number;
  /** Emptied: its lines deleted, its discount forgotten. */
  cartId: string;
  /** The idempotency key claimed for this order, and the answer stored with it (null: not yet). */
  key: string;
  response: string | null;
  /** The order's outbox messages (its mail, its webhook deliveries). */
  messages: NewOutboxMessage[];
  /** The order's own live events, before the stock events this completion adds. */
  events: NewLiveEvent[];
  /** Taken in variant-id order, all or none. */
  stock: StockTake[];
  /** Redeemed (a redemption row, and one use counted within its limit), or null. */
  discountId: string | null;
}

/** The stock left of each line taken, or why the order cannot complete (then roll back). */
export type CompletionResult =
  | { ok: true; left: StockLevel[] }
  | { ok: false; reason: 'OUT_OF_STOCK'; variantId: string }
  | { ok: false; reason: 'DISCOUNT_EXHAUSTED' };

/** Which cart, option and destination to price. */
export interface FactsQuery {
  userId: string;
  shippingOptionId: string;
  country: string;
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
  /**
   * placeOrder's first step: claims the key (OrderStore.claimIdempotencyKey) and, when it was
   * free, reads the facts; null when the key was used already (the caller answers from it).
   */
  claimAndRead(claim: KeyClaim, query: FactsQuery): Promise<CheckoutFacts | null>;
  /**
   * The writes of a placed order after its row: the cart emptied, the key completed, the outbox
   * messages queued (a webhook's only while it exists), then the stock taken and the discount
   * counted last (the rows orders share: their locks are held until COMMIT), then the live events
   * (the order's, then each variant's stock). A refusal may leave writes behind: the caller rolls
   * the transaction back.
   */
  completeOrder(completion: OrderCompletion): Promise<CompletionResult>;
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
    async claimAndRead(claim, query) {
      return (await s.orders.claimIdempotencyKey(claim)) ? facts(query) : null;
    },
    async completeOrder(c) {
      await s.cart.empty(c.cartId, c.now);
      await s.orders.completeIdempotencyKey({
        userId: c.userId,
        key: c.key,
        orderId: c.orderId,
        response: c.response,
      });
      for (const message of c.messages) await s.integrations.enqueue(message);
      if (c.discountId) {
        await s.orders.insertRedemption({
          orderId: c.orderId,
          discountId: c.discountId,
          userId: c.userId,
          now: c.now,
        });
      }
      const left: StockLevel[] = [];
      for (const line of c.stock) {
        const stock = await s.catalog.changeStock({
          variantId: line.variantId,
          delta: -line.quantity,
          reason: 'order',
          orderId: c.orderId,
          actorId: c.userId,
          now: c.now,
        });
        if (stock === null) return { ok: false, reason: 'OUT_OF_STOCK', variantId: line.variantId };
        left.push({ variantId: line.variantId, productId: line.productId, available: stock });
      }
      if (c.discountId && !(await s.cart.redeemDiscount(c.discountId))) {
        return { ok: false, reason: 'DISCOUNT_EXHAUSTED' };
      }
      await s.live.append([...c.events, ...left.map(stockChangedEvent)], c.now);
      return { ok: true, left };
    },
  };
}
