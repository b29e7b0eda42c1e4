import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import type { Context } from './context.js';
import { AppError, DEFAULT_REASONS, storageFailureMessage } from './errors.js';

const GENERIC_MESSAGES: Partial<Record<string, string>> = {
  INTERNAL_SERVER_ERROR: 'Internal server error',
  PARSE_ERROR: 'Malformed request body or input',
};

/**
 * What a procedure says about itself, read by the OpenAPI document (server/http/openapi/).
 * `access` is set by the procedure builders below; routers add `output`.
 */
export interface ProcedureMeta {
  access?: 'public' | 'customer' | 'admin';
  /**
   * The answer's schema (shared/schemas/outputs.ts): documented in the OpenAPI document, not run
   * on answers. NOTE: `.output()` would parse (and copy) every answer on top of an extra async
   * middleware: measured with zod 4.6, 7 µs for a 20-card catalog.products page, 2 µs for
   * catalog.product or a 3-line cart, 8 µs for placeOrder, against 140–350 µs of server CPU per
   * call on those paths; it would also strip fields the schema does not name and retype the
   * client's outputs. The schemas are held to the answers at compile time instead
   * (tests/types/output-schemas.ts) and on the wire by the REST tests.
   */
  output?: z.ZodType;
}

/** Live streams (SSE): a ping comment this often keeps proxies and the client's watchdog content. */
export const SSE_PING_MS = 15_000;

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // NOTE: isDev false keeps stacks out of every answer, whatever NODE_ENV says.
    isDev: false,
    // The maximum duration of a stream is SUBSCRIPTION_MAX_SECONDS, applied in server/http/live-streams.ts.
    sse: {
      ping: { enabled: true, intervalMs: SSE_PING_MS },
      client: { reconnectAfterInactivityMs: SSE_PING_MS * 3 },
    },
    errorFormatter({ shape, error }) {
      // A write storage refused whole (full disk, I/O error, read-only, locked past busy_timeout, a
      // failed group commit, a database file replaced under the server, PostgreSQL unreachable)
      // saved nothing: 503 TEMPORARILY_UNAVAILABLE tells the client to retry, on every procedure; its
      // message says when a lost connection leaves that unsure. Mapped here rather than in a
      // middleware so that no request pays for it.
      const storage = storageFailureMessage(error.cause);
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      const reason = storage
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
        message:
          storage ??
          (zodError
            ? 'Invalid input'
            : error.cause instanceof SyntaxError
              ? 'Malformed JSON'
              : (GENERIC_MESSAGES[error.code] ?? shape.message)),
        code: storage ? TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE : shape.code,
        data: {
          code: storage ? 'SERVICE_UNAVAILABLE' : shape.data.code,
          httpStatus: storage ? 503 : shape.data.httpStatus,
          path: shape.data.path,
          reason,
          ...(flattened && { fieldErrors: flattened.fieldErrors, formErrors: flattened.formErrors }),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.meta({ access: 'public' });

/** Signed-in callers only; narrows the context to a `user` and its `sessionId`. */
export const customerProcedure = t.procedure.meta({ access: 'customer' }).use(async ({ ctx, next }) => {
  const current = await ctx.session.current();
  if (!current) throw new AppError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Sign in to continue');
  return next({ ctx: { user: current.user, sessionId: current.session.id } });
});

/** Admins only: UNAUTHORIZED when signed out, FORBIDDEN for customers. */
export const adminProcedure = customerProcedure.meta({ access: 'admin' }).use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new AppError('FORBIDDEN', 'FORBIDDEN', 'Admins only');
  return next();
});
