import { lt } from 'drizzle-orm';
import { rateLimit } from '../../db/schema/index.js';
import { deleteExpiredSessions } from '../auth/sessions.js';
import type { Deps } from '../deps.js';

/** Deletes expired sessions and spent rate-limit windows; returns what it removed. */
export function cleanUpExpired({ db, clock }: Pick<Deps, 'db' | 'clock'>) {
  const now = clock.now();
  const sessions = deleteExpiredSessions(db, now);
  const rateLimits = db.delete(rateLimit).where(lt(rateLimit.resetAt, now)).run().changes;
  return { sessions, rateLimits };
}
