import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { ErrorReason } from '../../shared/reasons.js';
import { storageFailureMessage } from '../errors.js';

/** The tRPC error envelope, for refusals made before a request reaches tRPC. */
export function errorBody(code: TRPC_ERROR_CODE_KEY, reason: ErrorReason, message: string) {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  return {
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, reason } },
  };
}

/**
 * The answer to a failure no rule expected, whichever path meets it: 503 TEMPORARILY_UNAVAILABLE
 * when the database refused a write or could not be reached (storageFailureMessage says what the
 * client should do), else a generic 500.
 */
export function unexpectedFailure(error: unknown): { status: 500 | 503; body: ReturnType<typeof errorBody> } {
  const storage = storageFailureMessage(error);
  if (storage !== undefined) {
    return { status: 503, body: errorBody('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', storage) };
  }
  return { status: 500, body: errorBody('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error') };
}

export type ErrorEnvelope = ReturnType<typeof errorBody>;

/** The REST mirror's error body: what tRPC's envelope says, flat (docs/rest-and-openapi.md). */
export interface RestError {
  code: TRPC_ERROR_CODE_KEY;
  /** Present on every error the API raises; absent only where tRPC's answer has none either. */
  reason?: ErrorReason;
  message: string;
  fieldErrors?: Record<string, string[] | undefined>;
  formErrors?: string[];
}

/** The REST form of a refusal made before a request reaches a procedure. */
export function restErrorOf({ error }: ErrorEnvelope): RestError {
  return { code: error.data.code, reason: error.data.reason, message: error.message };
}

/** True for a path of the REST mirror, whose errors take the flat REST form. */
export function isRestPath(path: string): boolean {
  return path.startsWith('/api/v1/');
}

/** A refusal as the path's client reads it: the flat REST body under /api/v1/, else tRPC's envelope. */
export function refusalFor(path: string, envelope: ErrorEnvelope): ErrorEnvelope | RestError {
  return isRestPath(path) ? restErrorOf(envelope) : envelope;
}
