import type { Stores } from '../../db/stores/index.js';
import { GUEST_CART_LIFETIME_MS } from '../services/cart/cart.js';

/** Deletes expired sessions, spent rate-limit windows and guest carts past their cookie's life. */
export async function cleanUpExpired(tx: Stores, now: number) {
  return {
    sessions: await tx.accounts.deleteExpiredSessions(now),
    rateLimits: await tx.accounts.deleteSpentRateLimits(now),
    guestCarts: await tx.cart.deleteGuestCartsBefore(now - GUEST_CART_LIFETIME_MS),
  };
}
