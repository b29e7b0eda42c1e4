import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import { generateToken, hashToken, isTokenShaped } from '../../auth/tokens.js';
import { subtotalOf } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { type CartOwner, type CartRow, MAX_LINE_QUANTITY } from './cart.js';
import { discountError, discountFor } from './discounts.js';

/*
 * Cart writes run in `engine.transaction`: on SQLite a unit of the group commit (the writes of one
 * event-loop turn share one BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT, none answered
 * before that COMMIT returned); on PostgreSQL a transaction that holds the cart's row lock, so
 * concurrent writes to one cart run one after another. The work only awaits its stores, and may run
 * twice on PostgreSQL: the guest token is made inside it and only the committed run's is returned.
 */

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
 * cookie gets a new token) in one transaction. Resolves once it committed; a refused change
 * (NOT_FOUND, OUT_OF_STOCK, …) undoes only its own writes, the new cart included.
 */
export function changeCart(
  engine: Engine,
  owner: CartOwner | null,
  change: CartChange,
  now: number,
): Promise<CartWritten> {
  return engine.transaction((tx) => changeCartIn(tx, owner, change, now));
}

async function changeCartIn(tx: Stores, owner: CartOwner | null, change: CartChange, now: number) {
  const written = await ensureCart(tx, owner, now);
  const discountId = await applyChange(tx, written.cart, change, now);
  return { ...written, cart: { id: written.cart.id, discountId } };
}

/**
 * Moves a guest cart into the user's cart at sign-in, in one transaction: quantities added,
 * capped at what is available (and at 99); the user's own code wins, else the guest's comes
 * along. The guest cart is deleted.
 */
export function moveGuestCart(
  engine: Engine,
  guestToken: string,
  userId: string,
  now: number,
): Promise<void> {
  return engine.transaction((tx) => moveGuestCartIn(tx, guestToken, userId, now));
}

async function moveGuestCartIn(tx: Stores, guestToken: string, userId: string, now: number) {
  if (!isTokenShaped(guestToken)) return;
  const guest = await tx.cart.lockedCartOfGuest(hashToken(guestToken));
  if (!guest) return;
  const target = (await ensureCart(tx, { userId }, now)).cart;
  const existing = new Map((await tx.cart.lines(target.id)).map((line) => [line.variantId, line.quantity]));
  for (const line of await tx.cart.lines(guest.id)) {
    const quantity = Math.min(
      (existing.get(line.variantId) ?? 0) + line.quantity,
      line.available,
      MAX_LINE_QUANTITY,
    );
    if (quantity > 0) await tx.cart.putLine({ cartId: target.id, variantId: line.variantId, quantity, now });
  }
  if (!target.discountId && guest.discountId) {
    await tx.cart.setDiscount(target.id, guest.discountId, now);
  } else {
    await tx.cart.touch(target.id, now);
  }
  await tx.cart.deleteCart(guest.id);
}

/** The owner's cart, locked for this write, inserted when there is none yet. */
async function ensureCart(tx: Stores, owner: CartOwner | null, now: number): Promise<CartWritten> {
  if (owner && 'userId' in owner) {
    const existing = await tx.cart.lockedCartOfUser(owner.userId);
    if (existing) return { cart: existing };
    // Does nothing when a concurrent first write inserted it meanwhile: the read below finds that one.
    await tx.cart.insertUserCart({ id: newId(), userId: owner.userId, now });
    const row = await tx.cart.lockedCartOfUser(owner.userId);
    if (!row) throw new Error('cart vanished after insert');
    return { cart: row };
  }
  if (owner && isTokenShaped(owner.guestToken)) {
    const existing = await tx.cart.lockedCartOfGuest(hashToken(owner.guestToken));
    if (existing) return { cart: existing };
  }
  const id = newId();
  const token = generateToken();
  await tx.cart.insertGuestCart({ id, tokenHash: hashToken(token), now });
  return { cart: { id, discountId: null }, newGuestToken: token };
}

/** Runs one change on the cart; returns the cart's discount afterwards. */
async function applyChange(
  tx: Stores,
  row: CartRow,
  change: CartChange,
  now: number,
): Promise<string | null> {
  const cartId = row.id;
  switch (change.kind) {
    case 'add':
    case 'set':
      await changeLine(tx, cartId, change, now);
      return row.discountId;
    case 'remove':
      await tx.cart.deleteLine(cartId, change.variantId);
      await tx.cart.touch(cartId, now);
      return row.discountId;
    case 'clear':
      await tx.cart.clearLines(cartId);
      await tx.cart.setDiscount(cartId, null, now);
      return null;
    case 'applyDiscount':
      return applyDiscountCode(tx, cartId, change.code, { now, userId: change.userId });
    case 'removeDiscount':
      await tx.cart.setDiscount(cartId, null, now);
      return null;
  }
}

/** Adds to a line (`add`) or sets it (`set`, 0 removes); refuses more than is available. */
async function changeLine(
  tx: Stores,
  cartId: string,
  change: { variantId: string; quantity: number; kind: 'add' | 'set' },
  now: number,
): Promise<void> {
  const { variantId } = change;
  // One read: whether the variant is on sale, its stock, and the line's quantity now.
  const found = await tx.cart.lineForWrite(cartId, variantId);
  if (found?.status !== 'active')
    throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such product variant');
  const quantity = change.kind === 'add' ? (found.quantity ?? 0) + change.quantity : change.quantity;
  if (quantity === 0) {
    await tx.cart.deleteLine(cartId, variantId);
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
    await tx.cart.putLine({ cartId, variantId, quantity, now });
  }
  await tx.cart.touch(cartId, now);
}

/** Attaches a code after checking it now against this cart (and customer, when signed in). */
async function applyDiscountCode(
  tx: Stores,
  cartId: string,
  code: string,
  facts: { now: number; userId: string | null },
): Promise<string> {
  const discountId = await tx.cart.discountIdByCode(code);
  if (!discountId) throw new AppError('NOT_FOUND', 'DISCOUNT_NOT_FOUND', 'No such discount code');
  const subtotal = subtotalOf(await tx.cart.lines(cartId));
  const checked = await discountFor(tx, discountId, { subtotal, ...facts });
  if (checked && !checked.ok) throw discountError(checked.reason);
  await tx.cart.setDiscount(cartId, discountId, facts.now);
  return discountId;
}
