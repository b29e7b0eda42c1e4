import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Context } from './context.js';
import { AppError, DEFAULT_REASONS, isRetryableStorageError } from './errors.js';

const GENERIC_MESSAGES: Partial<Record<string, string>> = {
  INTERNAL_SERVER_ERROR: 'Internal server error',
  PARSE_ERROR: 'Malformed request body or input',
};

const t = initTRPC.context<Context>().create({
  // NOTE: isDev false keeps stacks out of every answer, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const reason =
      error instanceof AppError ? error.reason : zodError ? 'INVALID_INPUT' : DEFAULT_REASONS[error.code];
    const flattened = zodError ? z.flattenError(zodError) : null;
    return {
      message: zodError
        ? 'Invalid input'
        : error.cause instanceof SyntaxError
          ? 'Malformed JSON'
          : (GENERIC_MESSAGES[error.code] ?? shape.message),
      code: shape.code,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        reason,
        ...(flattened && { fieldErrors: flattened.fieldErrors, formErrors: flattened.formErrors }),
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * A write the database refused whole (locked past busy_timeout by another process, or a failed
 * group commit) answers 503 TEMPORARILY_UNAVAILABLE instead of a 500: nothing was saved, so the
 * client may retry (with the same idempotency key for an order).
 */
const storageRefusals = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isRetryableStorageError(result.error.cause)) {
    throw new AppError(
      'SERVICE_UNAVAILABLE',
      'TEMPORARILY_UNAVAILABLE',
      'The shop is busy and nothing was saved; try again',
      result.error.cause,
    );
  }
  return result;
});

export const publicProcedure = t.procedure.use(storageRefusals);

/** Signed-in callers only; narrows the context to a `user` and its `sessionId`. */
export const customerProcedure = publicProcedure.use(({ ctx, next }) => {
  const current = ctx.session.current();
  if (!current) throw new AppError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Sign in to continue');
  return next({ ctx: { user: current.user, sessionId: current.session.id } });
});

/** Admins only: UNAUTHORIZED when signed out, FORBIDDEN for customers. */
export const adminProcedure = customerProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') throw new AppError('FORBIDDEN', 'FORBIDDEN', 'Admins only');
  return next();
});
