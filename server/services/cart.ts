import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { preparedQuery } from '../../db/prepared.js';
import { cart, cartItem, discount, product, variant } from '../../db/schema/index.js';
import { generateToken, hashToken, isTokenShaped } from '../auth/tokens.js';
import { lineTotal, subtotalOf } from '../domain/pricing.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { checkDiscount, discountError } from './discounts.js';

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

type CartRow = { id: string; discountId: string | null };

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

/**
 * The owner's cart, created on first write. A guest without a (valid) cart cookie gets a new token,
 * returned so the caller can set the cookie.
 */
export function ensureCart(
  db: Executor,
  owner: CartOwner | null,
  now: number,
): { cart: CartRow; newGuestToken?: string } {
  const existing = owner ? findCart(db, owner) : undefined;
  if (existing) return { cart: existing };
  const id = newId();
  if (owner && 'userId' in owner) {
    db.insert(cart)
      .values({ id, userId: owner.userId, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .run();
    const row = findCart(db, owner);
    if (!row) throw new Error('cart vanished after insert');
    return { cart: row };
  }
  const token = generateToken();
  db.insert(cart)
    .values({ id, guestTokenHash: hashToken(token), createdAt: now, updatedAt: now })
    .run();
  return { cart: { id, discountId: null }, newGuestToken: token };
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

const purchasableQuery = (db: Executor) =>
  db
    .select({ stock: variant.stock, status: product.status })
    .from(variant)
    .innerJoin(product, eq(product.id, variant.productId))
    .where(eq(variant.id, sql.placeholder('variantId')))
    .prepare();

function purchasable(db: Executor, variantId: string) {
  const row = preparedQuery(db, 'purchasable-variant', purchasableQuery).get({ variantId });
  if (row?.status !== 'active')
    throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such product variant');
  return row.stock;
}

/** Adds to a line (`add`) or sets it (`set`, 0 removes); refuses more than is available. */
export function changeLine(
  db: Executor,
  cartId: string,
  change: { variantId: string; quantity: number; mode: 'add' | 'set' },
  now: number,
): void {
  db.transaction(
    (tx) => {
      // Root-handle prepared query: same connection, so it reads inside this transaction.
      const available = purchasable(db, change.variantId);
      const current =
        tx
          .select({ quantity: cartItem.quantity })
          .from(cartItem)
          .where(and(eq(cartItem.cartId, cartId), eq(cartItem.variantId, change.variantId)))
          .get()?.quantity ?? 0;
      const quantity = change.mode === 'add' ? current + change.quantity : change.quantity;
      if (quantity === 0) {
        tx.delete(cartItem)
          .where(and(eq(cartItem.cartId, cartId), eq(cartItem.variantId, change.variantId)))
          .run();
      } else {
        if (quantity > MAX_LINE_QUANTITY) {
          throw new AppError(
            'BAD_REQUEST',
            'QUANTITY_LIMIT',
            `At most ${MAX_LINE_QUANTITY} of one item per order`,
          );
        }
        if (quantity > available) {
          throw new AppError(
            'CONFLICT',
            'OUT_OF_STOCK',
            available > 0 ? `Only ${available} left` : 'Sold out',
          );
        }
        tx.insert(cartItem)
          .values({ cartId, variantId: change.variantId, quantity, addedAt: now })
          .onConflictDoUpdate({ target: [cartItem.cartId, cartItem.variantId], set: { quantity } })
          .run();
      }
      tx.update(cart).set({ updatedAt: now }).where(eq(cart.id, cartId)).run();
    },
    { behavior: 'immediate' },
  );
}

export function removeLine(db: Executor, cartId: string, variantId: string, now: number): void {
  db.delete(cartItem)
    .where(and(eq(cartItem.cartId, cartId), eq(cartItem.variantId, variantId)))
    .run();
  db.update(cart).set({ updatedAt: now }).where(eq(cart.id, cartId)).run();
}

export function clearCart(db: Executor, cartId: string, now: number): void {
  db.delete(cartItem).where(eq(cartItem.cartId, cartId)).run();
  db.update(cart).set({ discountId: null, updatedAt: now }).where(eq(cart.id, cartId)).run();
}

/** Attaches a code after checking it now against this cart (and customer, when signed in). */
export function applyDiscountCode(
  db: Executor,
  cartId: string,
  code: string,
  facts: { now: number; userId: string | null },
): void {
  const rule = db.select({ id: discount.id }).from(discount).where(eq(discount.code, code)).get();
  if (!rule) throw new AppError('NOT_FOUND', 'DISCOUNT_NOT_FOUND', 'No such discount code');
  const subtotal = subtotalOf(cartLines(db, cartId));
  const checked = checkDiscount(db, rule.id, { subtotal, ...facts });
  if (checked && !checked.ok) throw discountError(checked.reason);
  db.update(cart).set({ discountId: rule.id, updatedAt: facts.now }).where(eq(cart.id, cartId)).run();
}

export function removeDiscountCode(db: Executor, cartId: string, now: number): void {
  db.update(cart).set({ discountId: null, updatedAt: now }).where(eq(cart.id, cartId)).run();
}

/**
 * Moves a guest cart into the user's cart at sign-in: quantities added, capped at what is
 * available (and at 99); the user's own code wins, else the guest's comes along. The guest cart
 * is deleted.
 */
export function mergeGuestCart(db: Executor, guestToken: string, userId: string, now: number): void {
  db.transaction(
    (tx) => {
      const guest = findCart(tx, { guestToken });
      if (!guest) return;
      const target = ensureCart(tx, { userId }, now).cart;
      const existing = new Map(cartLines(tx, target.id).map((line) => [line.variantId, line.quantity]));
      for (const line of cartLines(tx, guest.id)) {
        const quantity = Math.min(
          (existing.get(line.variantId) ?? 0) + line.quantity,
          line.available,
          MAX_LINE_QUANTITY,
        );
        if (quantity <= 0) continue;
        tx.insert(cartItem)
          .values({ cartId: target.id, variantId: line.variantId, quantity, addedAt: now })
          .onConflictDoUpdate({ target: [cartItem.cartId, cartItem.variantId], set: { quantity } })
          .run();
      }
      if (!target.discountId && guest.discountId) {
        tx.update(cart).set({ discountId: guest.discountId }).where(eq(cart.id, target.id)).run();
      }
      tx.update(cart).set({ updatedAt: now }).where(eq(cart.id, target.id)).run();
      tx.delete(cart).where(eq(cart.id, guest.id)).run();
    },
    { behavior: 'immediate' },
  );
}
