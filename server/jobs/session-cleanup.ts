import { and, isNotNull, lt } from 'drizzle-orm';
import { cart } from '../../db/sqlite/schema/index.js';
import type { Deps } from '../deps.js';
import { GUEST_CART_LIFETIME_MS } from '../services/cart/cart.js';

/** Deletes expired sessions, spent rate-limit windows and guest carts past their cookie's life. */
export async function cleanUpExpired({ engine, db, clock }: Pick<Deps, 'engine' | 'db' | 'clock'>) {
  const now = clock.now();
  const { sessions, rateLimits } = await engine.transaction(async (tx) => ({
    sessions: await tx.accounts.deleteExpiredSessions(now),
    rateLimits: await tx.accounts.deleteSpentRateLimits(now),
  }));
  // NOTE: legacy (SQLite): guest carts are the cart area's table, still deleted here directly.
  const guestCarts = db
    .delete(cart)
    .where(and(isNotNull(cart.guestTokenHash), lt(cart.updatedAt, now - GUEST_CART_LIFETIME_MS)))
    .run().changes;
  return { sessions, rateLimits, guestCarts };
}
