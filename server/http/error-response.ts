import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { ErrorReason } from '../../shared/reasons.js';

/** The tRPC error envelope, for refusals made before a request reaches tRPC. */
export function errorBody(code: TRPC_ERROR_CODE_KEY, reason: ErrorReason, message: string) {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  return {
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, reason } },
  };
}
