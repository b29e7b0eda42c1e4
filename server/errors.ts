import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { WriteBatchError } from '../db/write-batch.js';
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

/** True for a unique-constraint violation from SQLite (a race lost to another writer). */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/**
 * True when the database refused a write without applying any of it: a lock held past
 * busy_timeout (another process writing), or a group commit that failed (db/write-batch.ts).
 */
export function isRetryableStorageError(error: unknown): boolean {
  if (error instanceof WriteBatchError) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED'))
  );
}
