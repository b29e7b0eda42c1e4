import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { cart, cartItem, discount, product, variant } from '../../../db/sqlite/schema/index.js';
import { inWriteBatch } from '../../../db/sqlite/write-batch.js';
import { generateToken, hashToken } from '../../auth/tokens.js';
import { subtotalOf } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { type CartOwner, type CartRow, cartLines, findCart, MAX_LINE_QUANTITY } from './cart.js';
import { checkDiscount, discountError } from './discounts.js';

/*
 * Cart writes go through the group commit (db/write-batch.ts): the writes of one event-loop turn
 * share one BEGIN IMMEDIATE … COMMIT (one fsync), each in its own SAVEPOINT, and none is answered
 * before that COMMIT returned. A unit runs synchronously with the root handle, so the prepared
 * statements below run inside the open transaction.
 */

const p = sql.placeholder;

/** One change to a cart, as the cart procedures ask for it. */
export type CartChange =
  | { kind: 'add' | 'set'; variantId: string; quantity: number }
  | { kind: 'remove'; variantId: string }
  | { kind: 'clear' }
  | { kind: 'applyDiscount'; code: string; userId: string | null }
  | { kind: 'removeDiscount' };

/** The cart written, and the token of a guest cart created by this write (for its cookie). */
export interface CartWritten {
  cart: CartRow;
  newGuestToken?: string;
}

/**
 * Applies `change` to the owner's cart (created on the first write; a guest without a valid
 * cookie gets a new token) in the next group commit. Resolves once the COMMIT returned; a refused
 * change (NOT_FOUND, OUT_OF_STOCK, …) undoes only its own writes, the new cart included.
 */
export function writeCart(
  db: Executor,
  owner: CartOwner | null,
  change: CartChange,
  now: number,
): Promise<CartWritten> {
  return inWriteBatch(db, () => {
    const written = ensureCart(db, owner, now);
    const discountId = applyChange(db, written.cart, change, now);
    return { ...written, cart: { id: written.cart.id, discountId } };
  });
}

/**
 * Moves a guest cart into the user's cart at sign-in, in the next group commit: quantities added,
 * capped at what is available (and at 99); the user's own code wins, else the guest's comes
 * along. The guest cart is deleted.
 */
export function mergeGuestCart(db: Executor, guestToken: string, userId: string, now: number): Promise<void> {
  return inWriteBatch(db, () => {
    const guest = findCart(db, { guestToken });
    if (!guest) return;
    const target = ensureCart(db, { userId }, now).cart;
    const existing = new Map(cartLines(db, target.id).map((line) => [line.variantId, line.quantity]));
    for (const line of cartLines(db, guest.id)) {
      const quantity = Math.min(
        (existing.get(line.variantId) ?? 0) + line.quantity,
        line.available,
        MAX_LINE_QUANTITY,
      );
      if (quantity > 0)
        statements.upsertLine(db).run({ cartId: target.id, variantId: line.variantId, quantity, now });
    }
    if (!target.discountId && guest.discountId) {
      statements.setDiscount(db).run({ cartId: target.id, discountId: guest.discountId, now });
    } else {
      statements.touch(db).run({ cartId: target.id, now });
    }
    statements.deleteCart(db).run({ cartId: guest.id });
  });
}

/** The owner's cart, inserted when there is none yet. */
function ensureCart(db: Executor, owner: CartOwner | null, now: number): CartWritten {
  const existing = owner ? findCart(db, owner) : undefined;
  if (existing) return { cart: existing };
  const id = newId();
  if (owner && 'userId' in owner) {
    statements.insertUserCart(db).run({ id, userId: owner.userId, now });
    const row = findCart(db, owner);
    if (!row) throw new Error('cart vanished after insert');
    return { cart: row };
  }
  const token = generateToken();
  statements.insertGuestCart(db).run({ id, tokenHash: hashToken(token), now });
  return { cart: { id, discountId: null }, newGuestToken: token };
}

/** Runs one change on the cart; returns the cart's discount afterwards. */
function applyChange(db: Executor, row: CartRow, change: CartChange, now: number): string | null {
  const cartId = row.id;
  switch (change.kind) {
    case 'add':
    case 'set':
      changeLine(db, cartId, change, now);
      return row.discountId;
    case 'remove':
      statements.deleteLine(db).run({ cartId, variantId: change.variantId });
      statements.touch(db).run({ cartId, now });
      return row.discountId;
    case 'clear':
      emptyCartItems(db).run({ cartId });
      statements.setDiscount(db).run({ cartId, discountId: null, now });
      return null;
    case 'applyDiscount':
      return applyDiscountCode(db, cartId, change.code, { now, userId: change.userId });
    case 'removeDiscount':
      statements.setDiscount(db).run({ cartId, discountId: null, now });
      return null;
  }
}

/** Adds to a line (`add`) or sets it (`set`, 0 removes); refuses more than is available. */
function changeLine(
  db: Executor,
  cartId: string,
  change: { variantId: string; quantity: number; kind: 'add' | 'set' },
  now: number,
): void {
  const { variantId } = change;
  // One read: whether the variant is on sale, its stock, and the line's quantity now.
  const found = statements.lineForWrite(db).get({ cartId, variantId });
  if (found?.status !== 'active')
    throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such product variant');
  const quantity = change.kind === 'add' ? (found.quantity ?? 0) + change.quantity : change.quantity;
  if (quantity === 0) {
    statements.deleteLine(db).run({ cartId, variantId });
  } else {
    if (quantity > MAX_LINE_QUANTITY) {
      throw new AppError(
        'BAD_REQUEST',
        'QUANTITY_LIMIT',
        `At most ${MAX_LINE_QUANTITY} of one item per order`,
      );
    }
    if (quantity > found.stock) {
      throw new AppError(
        'CONFLICT',
        'OUT_OF_STOCK',
        found.stock > 0 ? `Only ${found.stock} left` : 'Sold out',
      );
    }
    statements.upsertLine(db).run({ cartId, variantId, quantity, now });
  }
  statements.touch(db).run({ cartId, now });
}

/** Attaches a code after checking it now against this cart (and customer, when signed in). */
function applyDiscountCode(
  db: Executor,
  cartId: string,
  code: string,
  facts: { now: number; userId: string | null },
): string {
  const rule = statements.discountByCode(db).get({ code });
  if (!rule) throw new AppError('NOT_FOUND', 'DISCOUNT_NOT_FOUND', 'No such discount code');
  const subtotal = subtotalOf(cartLines(db, cartId));
  const checked = checkDiscount(db, rule.id, { subtotal, ...facts });
  if (checked && !checked.ok) throw discountError(checked.reason);
  statements.setDiscount(db).run({ cartId, discountId: rule.id, now: facts.now });
  return rule.id;
}

/** Empties a cart (its lines); also run by placeOrder once the order is written. */
export const emptyCartItems = (db: Executor) =>
  preparedQuery(db, 'cart-items-clear', (d) =>
    d
      .delete(cartItem)
      .where(eq(cartItem.cartId, p('cartId')))
      .prepare(),
  );

/** The cart writes' statements, each built and prepared once per database handle. */
const statements = {
  lineForWrite: (db: Executor) =>
    preparedQuery(db, 'cart-line-for-write', (d) =>
      d
        .select({ stock: variant.stock, status: product.status, quantity: cartItem.quantity })
        .from(variant)
        .innerJoin(product, eq(product.id, variant.productId))
        .leftJoin(cartItem, and(eq(cartItem.cartId, p('cartId')), eq(cartItem.variantId, variant.id)))
        .where(eq(variant.id, p('variantId')))
        .prepare(),
    ),
  upsertLine: (db: Executor) =>
    preparedQuery(db, 'cart-line-upsert', (d) =>
      d
        .insert(cartItem)
        .values({
          cartId: p('cartId'),
          variantId: p('variantId'),
          quantity: p('quantity'),
          addedAt: p('now'),
        })
        .onConflictDoUpdate({
          target: [cartItem.cartId, cartItem.variantId],
          set: { quantity: sql`excluded.quantity` },
        })
        .prepare(),
    ),
  deleteLine: (db: Executor) =>
    preparedQuery(db, 'cart-line-delete', (d) =>
      d
        .delete(cartItem)
        .where(and(eq(cartItem.cartId, p('cartId')), eq(cartItem.variantId, p('variantId'))))
        .prepare(),
    ),
  touch: (db: Executor) =>
    preparedQuery(db, 'cart-touch', (d) =>
      d
        .update(cart)
        .set({ updatedAt: sql`${p('now')}` })
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
  setDiscount: (db: Executor) =>
    preparedQuery(db, 'cart-set-discount', (d) =>
      d
        .update(cart)
        .set({ discountId: sql`${p('discountId')}`, updatedAt: sql`${p('now')}` })
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
  discountByCode: (db: Executor) =>
    preparedQuery(db, 'discount-by-code', (d) =>
      d
        .select({ id: discount.id })
        .from(discount)
        .where(eq(discount.code, p('code')))
        .prepare(),
    ),
  insertUserCart: (db: Executor) =>
    preparedQuery(db, 'cart-insert-user', (d) =>
      d
        .insert(cart)
        .values({ id: p('id'), userId: p('userId'), createdAt: p('now'), updatedAt: p('now') })
        .onConflictDoNothing()
        .prepare(),
    ),
  insertGuestCart: (db: Executor) =>
    preparedQuery(db, 'cart-insert-guest', (d) =>
      d
        .insert(cart)
        .values({ id: p('id'), guestTokenHash: p('tokenHash'), createdAt: p('now'), updatedAt: p('now') })
        .prepare(),
    ),
  deleteCart: (db: Executor) =>
    preparedQuery(db, 'cart-delete', (d) =>
      d
        .delete(cart)
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
};
