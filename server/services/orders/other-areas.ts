import type { StockChange } from '../../../db/stores/catalog.js';
import type { Stores } from '../../../db/stores/index.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import { type CartLineRow, type CartRow, cartOf } from '../cart/cart.js';
import { type CartDiscount, discountFor } from '../cart/discounts.js';
import {
  queueMail,
  queueRefund,
  queueWebhookEvent,
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
  enqueueMail(to: string, mail: MailTemplate, now: number): Promise<void>;
  emitWebhookEvent(event: WebhookEvent, data: Record<string, unknown>, now: number): Promise<void>;
  enqueueRefund(refund: RefundRequest, now: number): Promise<void>;
}

/** The other areas' services on the same stores (the caller's transaction, or engine.read). */
export function otherAreas(s: Stores): OtherAreas {
  return {
    userCart: async (userId) => {
      const cart = await cartOf(s, { userId });
      return cart && { cart, lines: await s.cart.lines(cart.id) };
    },
    checkDiscount: (discountId, facts) => discountFor(s, discountId, facts),
    changeStock: (change) => s.catalog.changeStock(change),
    enqueueMail: (to, mail, now) => queueMail(s, to, mail, now),
    emitWebhookEvent: (event, data, now) => queueWebhookEvent(s, event, data, now),
    enqueueRefund: (refund, now) => queueRefund(s, refund, now),
  };
}
