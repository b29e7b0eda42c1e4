import { sqlState } from './client.js';

/**
 * SQLSTATE classes and codes for a statement PostgreSQL did not apply because the server could not
 * do any work: connection exceptions (08…), an administrator or crash shutdown, a server starting
 * up (57P01–57P03), no connection slot or no disk/memory (53…), a read-only server (25006),
 * a serialization failure or deadlock still there after the retries (40001, 40P01).
 */
const UNAVAILABLE_STATES = /^(08|53)|^(57P01|57P02|57P03|25006|40001|40P01)$/;

/** Network failures node reports on a connection's socket. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * pg's own messages when no connection could be had or a connection died mid-query (they carry no
 * code). Matched on the driver's fixed wording, never shown to a client.
 */
const DRIVER_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end/;

/**
 * A connection that died with the request on it (reset, broken pipe, timed out, closed under it,
 * the server shut down): if that request was a COMMIT, or placeOrder's statement that commits on
 * its own, PostgreSQL may have committed it before the answer was lost.
 */
const LOST_MID_REQUEST_STATES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02']);
const LOST_MID_REQUEST_MESSAGES = /Connection terminated/;

/** Whether `error`, or an error it wraps (`cause`, an AggregateError's errors), matches `test`. */
function anyWrapped(error: unknown, test: (candidate: object) => boolean): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (test(current)) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => anyWrapped(inner, test)))
      return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/**
 * True when PostgreSQL could not be reached or could not take the work, so the client may retry
 * (503). Nothing was committed, except when the connection was lost with a commit on it
 * (postgresConnectionLost). Follows `cause` (Drizzle wraps driver errors).
 */
export function isPostgresUnavailable(error: unknown): boolean {
  return anyWrapped(error, (candidate) => {
    const state = sqlState(candidate);
    if (state !== undefined && (UNAVAILABLE_STATES.test(state) || NETWORK_CODES.has(state))) return true;
    return candidate instanceof Error && DRIVER_MESSAGES.test(candidate.message);
  });
}

/** True when the connection was lost mid-request: what the request wrote may or may not be committed. */
export function postgresConnectionLost(error: unknown): boolean {
  return anyWrapped(error, (candidate) => {
    const state = sqlState(candidate);
    if (state !== undefined && LOST_MID_REQUEST_STATES.has(state)) return true;
    return candidate instanceof Error && LOST_MID_REQUEST_MESSAGES.test(candidate.message);
  });
}
