import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import { isPostgresUnavailable, postgresConnectionLost } from '../db/postgres/errors.js';
import { StorageMovedError } from '../db/sqlite/storage-guard.js';
import { WriteBatchError } from '../db/sqlite/write-batch.js';
import type { ErrorReason } from '../shared/reasons.js';

/** A business failure: a tRPC code plus the stable `reason` clients switch on. */
export class AppError extends TRPCError {
  readonly reason: ErrorReason;
  /** Per-field messages, answered as `data.fieldErrors` like zod's (e.g. `{ url: ['…'] }`). */
  readonly fieldErrors: Record<string, string[]> | undefined;
  constructor(
    code: TRPC_ERROR_CODE_KEY,
    reason: ErrorReason,
    message: string,
    fieldErrors?: Record<string, string[]>,
  ) {
    super({ code, message });
    this.reason = reason;
    this.fieldErrors = fieldErrors;
  }
}

/** The reason an error carries when no business rule named one. */
export const DEFAULT_REASONS: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorReason>> = {
  PARSE_ERROR: 'MALFORMED_REQUEST',
  BAD_REQUEST: 'MALFORMED_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL',
};

/** What a client reads when storage refused its write whole (503 TEMPORARILY_UNAVAILABLE). */
const STORAGE_REFUSED_MESSAGE = 'The shop is busy and nothing was saved; try again';
/** …and when the connection to PostgreSQL was lost mid-request, perhaps with its commit on it. */
const CONNECTION_LOST_MESSAGE =
  'The shop lost its database connection, so this change may or may not be saved: read it back before trying again (placeOrder: retry with the same idempotency key)';

/**
 * SQLite result codes (and their extended codes, `SQLITE_IOERR_WRITE`, `SQLITE_READONLY_DBMOVED`, …)
 * for a statement the database refused whole: a full disk, an I/O error, a read-only file or
 * filesystem, a lock held past busy_timeout, a file it cannot open. None of them applied anything.
 */
const REFUSAL_CODES = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN)(_|$)/;

/**
 * True when storage refused a unit of work without applying any of it, so the client may retry:
 * a code above, a failed group commit (db/sqlite/write-batch.ts), a database file that changed
 * under the server (db/sqlite/storage-guard.ts), or PostgreSQL unreachable or unable to take the
 * work (db/postgres/errors.ts). Follows `cause` (drizzle and tRPC wrap the driver's error).
 */
export function isRetryableStorageError(error: unknown): boolean {
  if (isPostgresUnavailable(error)) return true;
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof WriteBatchError || current instanceof StorageMovedError) return true;
    if ('code' in current && typeof current.code === 'string' && REFUSAL_CODES.test(current.code))
      return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

/**
 * The message of a 503 TEMPORARILY_UNAVAILABLE for a storage failure (isRetryableStorageError), or
 * undefined for any other error: "nothing was saved", unless the connection was lost mid-request.
 */
export function storageFailureMessage(error: unknown): string | undefined {
  if (!isRetryableStorageError(error)) return undefined;
  return postgresConnectionLost(error) ? CONNECTION_LOST_MESSAGE : STORAGE_REFUSED_MESSAGE;
}

/**
 * Logs a failure of background work (a job, the live-event reader). While storage refuses or
 * PostgreSQL is unreachable the work simply runs again on its next turn, so that is one warning
 * line with the error's code and no stack; anything else is an error with its stack.
 */
export function logBackgroundFailure(
  logger: Logger,
  fields: Record<string, unknown>,
  message: string,
  error: unknown,
): void {
  if (!isRetryableStorageError(error)) {
    logger.error({ ...fields, err: error }, message);
    return;
  }
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  logger.warn({ ...fields, code }, `${message}: storage unavailable, retried on the next turn`);
}
