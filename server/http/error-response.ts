import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { ErrorReason } from '../../shared/reasons.js';
import { isRetryableStorageError, STORAGE_REFUSED_MESSAGE } from '../errors.js';

/** The tRPC error envelope, for refusals made before a request reaches tRPC. */
export function errorBody(code: TRPC_ERROR_CODE_KEY, reason: ErrorReason, message: string) {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  return {
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, reason } },
  };
}

/**
 * The answer to a failure no rule expected, whichever path meets it: 503 TEMPORARILY_UNAVAILABLE
 * when the database refused a write (nothing was saved; retry), else a generic 500.
 */
export function unexpectedFailure(error: unknown): { status: 500 | 503; body: ReturnType<typeof errorBody> } {
  if (isRetryableStorageError(error)) {
    return {
      status: 503,
      body: errorBody('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', STORAGE_REFUSED_MESSAGE),
    };
  }
  return { status: 500, body: errorBody('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error') };
}
