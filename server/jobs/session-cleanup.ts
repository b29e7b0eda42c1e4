import { and, isNotNull, lt } from 'drizzle-orm';
import { cart, rateLimit } from '../../db/sqlite/schema/index.js';
import { deleteExpiredSessions } from '../auth/sessions.js';
import type { Deps } from '../deps.js';
import { GUEST_CART_LIFETIME_MS } from '../services/cart/cart.js';

/** Deletes expired sessions, spent rate-limit windows and guest carts past their cookie's life. */
export function cleanUpExpired({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  const now = clock.now();
  const sessions = deleteExpiredSessions(db, now);
  const rateLimits = db.delete(rateLimit).where(lt(rateLimit.resetAt, now)).run().changes;
  const guestCarts = db
    .delete(cart)
    .where(and(isNotNull(cart.guestTokenHash), lt(cart.updatedAt, now - GUEST_CART_LIFETIME_MS)))
    .run().changes;
  return { sessions, rateLimits, guestCarts };
}
