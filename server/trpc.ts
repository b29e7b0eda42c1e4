import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import type { Context } from './context.js';
import { AppError, DEFAULT_REASONS, isRetryableStorageError, STORAGE_REFUSED_MESSAGE } from './errors.js';

const GENERIC_MESSAGES: Partial<Record<string, string>> = {
  INTERNAL_SERVER_ERROR: 'Internal server error',
  PARSE_ERROR: 'Malformed request body or input',
};

/** Live streams (SSE): a ping comment this often keeps proxies and the client's watchdog content. */
export const SSE_PING_MS = 15_000;

const t = initTRPC.context<Context>().create({
  // NOTE: isDev false keeps stacks out of every answer, whatever NODE_ENV says.
  isDev: false,
  // The maximum duration of a stream is SUBSCRIPTION_MAX_SECONDS, applied in server/http/live-streams.ts.
  sse: {
    ping: { enabled: true, intervalMs: SSE_PING_MS },
    client: { reconnectAfterInactivityMs: SSE_PING_MS * 3 },
  },
  errorFormatter({ shape, error }) {
    // A write storage refused whole (full disk, I/O error, read-only, locked past busy_timeout, a
    // failed group commit, a database file replaced under the server) saved nothing: 503
    // TEMPORARILY_UNAVAILABLE tells the client to retry, on every procedure. Mapped here rather
    // than in a middleware so that no request pays for it.
    const busy = isRetryableStorageError(error.cause);
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const reason = busy
      ? 'TEMPORARILY_UNAVAILABLE'
      : error instanceof AppError
        ? error.reason
        : zodError
          ? 'INVALID_INPUT'
          : DEFAULT_REASONS[error.code];
    const flattened = zodError
      ? z.flattenError(zodError)
      : error instanceof AppError && error.fieldErrors
        ? { fieldErrors: error.fieldErrors, formErrors: [] }
        : null;
    return {
      message: busy
        ? STORAGE_REFUSED_MESSAGE
        : zodError
          ? 'Invalid input'
          : error.cause instanceof SyntaxError
            ? 'Malformed JSON'
            : (GENERIC_MESSAGES[error.code] ?? shape.message),
      code: busy ? TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE : shape.code,
      data: {
        code: busy ? 'SERVICE_UNAVAILABLE' : shape.data.code,
        httpStatus: busy ? 503 : shape.data.httpStatus,
        path: shape.data.path,
        reason,
        ...(flattened && { fieldErrors: flattened.fieldErrors, formErrors: flattened.formErrors }),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

/** Signed-in callers only; narrows the context to a `user` and its `sessionId`. */
export const customerProcedure = t.procedure.use(async ({ ctx, next }) => {
  const current = await ctx.session.current();
  if (!current) throw new AppError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Sign in to continue');
  return next({ ctx: { user: current.user, sessionId: current.session.id } });
});

/** Admins only: UNAUTHORIZED when signed out, FORBIDDEN for customers. */
export const adminProcedure = customerProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new AppError('FORBIDDEN', 'FORBIDDEN', 'Admins only');
  return next();
});
