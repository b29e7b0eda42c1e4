import type { Executor } from '../../../db/sqlite/client.js';
import type { StockChange } from '../../../db/stores/catalog.js';
import type { Stores } from '../../../db/stores/index.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import { type CartLineRow, type CartRow, cartOf } from '../cart/cart.js';
import { type CartDiscount, discountFor } from '../cart/discounts.js';
import {
  emitWebhookEvent,
  enqueueMail,
  enqueueRefund,
  type RefundRequest,
  type WebhookEvent,
} from '../integrations/outbox.js';

/**
 * What the orders services need from the other areas (cart, catalogue stock, outbox), async and in
 * one place. Called with the stores of the transaction (or of engine.read) they belong to.
 */
export interface OtherAreas {
  /** The user's cart and its lines (current prices and availability), or undefined without a cart. */
  userCart(userId: string): Promise<{ cart: CartRow; lines: CartLineRow[] } | undefined>;
  checkDiscount(
    discountId: string,
    facts: { subtotal: number; now: number; userId: string },
  ): Promise<CartDiscount | null>;
  /** A conditional stock change with its ledger row: the new stock, or null when too little is left. */
  changeStock(change: StockChange): Promise<number | null>;
  emptyCart(cartId: string): Promise<void>;
  enqueueMail(to: string, mail: MailTemplate, now: number): Promise<void>;
  emitWebhookEvent(event: WebhookEvent, data: Record<string, unknown>, now: number): Promise<void>;
  enqueueRefund(refund: RefundRequest, now: number): Promise<void>;
}

/**
 * LEGACY, the one seam left: each method is the other area's synchronous function on SQLite's
 * write connection (`legacy`). On SQLite the engine's transactions run on that same connection,
 * so these calls are inside the caller's group-commit unit. Once the cart, catalog and
 * integrations stores have these methods, this builds them from `_s` instead and `legacy` goes;
 * nothing else in the orders services changes. Until then the orders services run on SQLite only.
 */
export function otherAreas(s: Stores, legacy: Executor): OtherAreas {
  return {
    userCart: async (userId) => {
      const cart = await cartOf(s, { userId });
      return cart && { cart, lines: await s.cart.lines(cart.id) };
    },
    checkDiscount: (discountId, facts) => discountFor(s, discountId, facts),
    changeStock: (change) => s.catalog.changeStock(change),
    emptyCart: (cartId) => s.cart.clearLines(cartId),
    enqueueMail: async (to, mail, now) => enqueueMail(legacy, to, mail, now),
    emitWebhookEvent: async (event, data, now) => emitWebhookEvent(legacy, event, data, now),
    enqueueRefund: async (refund, now) => enqueueRefund(legacy, refund, now),
  };
}
