import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { cart, cartItem, product, variant } from '../../../db/sqlite/schema/index.js';
import { hashToken, isTokenShaped } from '../../auth/tokens.js';
import { lineTotal, subtotalOf } from '../../domain/pricing.js';
import { checkDiscount } from './discounts.js';

export const GUEST_CART_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_LINE_QUANTITY = 99;

/** Whose cart: a signed-in user's, or a guest's identified by the cart cookie's token. */
export type CartOwner = { userId: string } | { guestToken: string };

export interface CartLineRow {
  variantId: string;
  productId: string;
  productSlug: string;
  productName: string;
  variantName: string;
  sku: string;
  imageUrl: string | null;
  unitPrice: number;
  quantity: number;
  /** Units that can be bought now: the stock, or 0 when the product is not on sale. */
  available: number;
}

/** A cart's id and attached discount code. */
export type CartRow = { id: string; discountId: string | null };

const cartBy = (db: Executor, column: typeof cart.userId | typeof cart.guestTokenHash) =>
  db
    .select({ id: cart.id, discountId: cart.discountId })
    .from(cart)
    .where(eq(column, sql.placeholder('key')))
    .prepare();

export function findCart(db: Executor, owner: CartOwner): CartRow | undefined {
  if ('userId' in owner)
    return preparedQuery(db, 'cart-of-user', (d) => cartBy(d, cart.userId)).get({ key: owner.userId });
  if (!isTokenShaped(owner.guestToken)) return undefined;
  return preparedQuery(db, 'cart-of-guest', (d) => cartBy(d, cart.guestTokenHash)).get({
    key: hashToken(owner.guestToken),
  });
}

/** The cart's lines with current prices and availability, oldest first. */
export function cartLines(db: Executor, cartId: string): CartLineRow[] {
  return preparedQuery(db, 'cart-lines', cartLinesQuery).all({ cartId });
}

const cartLinesQuery = (db: Executor) =>
  db
    .select({
      variantId: variant.id,
      productId: product.id,
      productSlug: product.slug,
      productName: product.name,
      variantName: variant.name,
      sku: variant.sku,
      imageUrl: sql<string | null>`json_extract(${product.images}, '$[0]')`,
      unitPrice: variant.price,
      quantity: cartItem.quantity,
      available: sql<number>`CASE WHEN ${product.status} = 'active' THEN ${variant.stock} ELSE 0 END`,
    })
    .from(cartItem)
    .innerJoin(variant, eq(variant.id, cartItem.variantId))
    .innerJoin(product, eq(product.id, variant.productId))
    .where(eq(cartItem.cartId, sql.placeholder('cartId')))
    .orderBy(cartItem.addedAt, sql`${cartItem}.rowid`)
    .prepare();

/** API.md's Cart, repriced now. `discountProblem` says why an attached code gives nothing today. */
export function cartView(
  db: Executor,
  row: CartRow | undefined,
  facts: { now: number; currency: string; userId: string | null },
) {
  const lines = row ? cartLines(db, row.id) : [];
  const subtotal = subtotalOf(lines);
  const applied = row?.discountId
    ? checkDiscount(db, row.discountId, { subtotal, now: facts.now, userId: facts.userId })
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

export type Cart = ReturnType<typeof cartView>;
