import type { CartLineRow, CartRow } from '../../../db/stores/cart.js';
import type { Stores } from '../../../db/stores/index.js';
import { hashToken, isTokenShaped } from '../../auth/tokens.js';
import { lineTotal, subtotalOf } from '../../domain/pricing.js';
import { discountFor } from './discounts.js';

export type { CartLineRow, CartRow };

export const GUEST_CART_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_LINE_QUANTITY = 99;

/** Whose cart: a signed-in user's, or a guest's identified by the cart cookie's token. */
export type CartOwner = { userId: string } | { guestToken: string };

/** The owner's cart, if any (a guest token of the wrong shape finds none, without a query). */
export async function cartOf(s: Stores, owner: CartOwner): Promise<CartRow | undefined> {
  if ('userId' in owner) return s.cart.cartOfUser(owner.userId);
  if (!isTokenShaped(owner.guestToken)) return undefined;
  return s.cart.cartOfGuest(hashToken(owner.guestToken));
}

/** the API reference's Cart, repriced now. `discountProblem` says why an attached code gives nothing today. */
export async function viewCart(
  s: Stores,
  row: CartRow | undefined,
  facts: { now: number; currency: string; userId: string | null },
) {
  const lines = row ? await s.cart.lines(row.id) : [];
  const subtotal = subtotalOf(lines);
  const applied = row?.discountId
    ? await discountFor(s, row.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  const discountAmount = applied?.ok ? applied.amount : 0;
  return {
    id: row?.id ?? null,
    currency: facts.currency,
    items: lines.map((line) => ({ ...line, lineTotal: lineTotal(line) })),
    itemCount: lines.reduce((n, line) => n + line.quantity, 0),
    subtotal,
    discount: applied?.ok ? { code: applied.code, amount: applied.amount } : null,
    discountProblem: applied && !applied.ok ? { code: applied.code, reason: applied.reason } : null,
    total: subtotal - discountAmount,
  };
}

export type Cart = Awaited<ReturnType<typeof viewCart>>;
