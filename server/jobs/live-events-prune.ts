import type { Stores } from '../../db/stores/index.js';

/** How long live events are kept: a client reconnecting within this gets every event it missed. */
export const LIVE_EVENTS_KEPT_MS = 24 * 60 * 60 * 1000;

/** Deletes live events older than 24 hours; returns how many. */
export function pruneLiveEvents(tx: Stores, now: number): Promise<number> {
  return tx.live.deleteBefore(now - LIVE_EVENTS_KEPT_MS);
}
