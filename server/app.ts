import { trpcServer } from '@hono/trpc-server';
import type { TRPCError } from '@trpc/server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { crossOriginGuard } from './auth/cross-origin.js';
import { createHonoContext } from './context.js';
import type { Deps } from './deps.js';
import { isRetryableStorageError, STORAGE_REFUSED_MESSAGE } from './errors.js';
import { corsAllowlist } from './http/cors.js';
import { errorBody } from './http/error-response.js';
import { Metrics } from './http/metrics.js';
import { type RequestVariables, requestLog } from './http/request-log.js';
import { secureHeaders } from './http/secure-headers.js';
import { urlGuard } from './http/url-guard.js';
import type { PaymentEvent } from './integrations/payments/index.js';
import { appRouter } from './routers/_app.js';
import { applyPaymentEvent } from './services/payment-events.js';
import { readinessRoute } from './storage-health.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH_SIZE = 20;

/** tRPC's onError: unexpected failures are logged with the request id; their answers stay generic. */
export function trpcErrorLogger(logger: Logger) {
  return ({ error, path, ctx }: { error: TRPCError; path?: string; ctx?: { requestId: string } }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      logger.error(
        { requestId: ctx?.requestId, procedure: path, err: error.cause ?? error },
        'procedure failed',
      );
    }
  };
}

/** Builds the HTTP application; no listening, so tests drive it with app.request(). */
export function createApp(deps: Deps, metrics = new Metrics()) {
  const { config, logger } = deps;
  const app = new Hono<{ Variables: RequestVariables }>();

  app.use(requestLog(logger, metrics));
  app.use(secureHeaders(config));
  app.use(urlGuard);
  app.use(corsAllowlist(config.TRUSTED_ORIGINS));
  app.use(crossOriginGuard(config));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody('PAYLOAD_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'Request body over 1 MiB'), 413),
    }),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', readinessRoute(deps));
  app.get('/metrics', (c) => {
    if (config.METRICS_TOKEN && c.req.header('authorization') !== `Bearer ${config.METRICS_TOKEN}`) {
      return c.json(errorBody('UNAUTHORIZED', 'UNAUTHENTICATED', 'Metrics token required'), 401);
    }
    return c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' });
  });

  app.post('/webhooks/stripe', async (c) => {
    const { payments, clock } = deps;
    if (!payments.parseWebhook)
      return c.json(errorBody('NOT_FOUND', 'NOT_FOUND', 'Stripe is not configured'), 404);
    const signature = c.req.header('stripe-signature');
    const raw = await c.req.text();
    let event: PaymentEvent;
    try {
      if (!signature) throw new Error('no signature');
      event = payments.parseWebhook(raw, signature, clock.now());
    } catch {
      return c.json(errorBody('BAD_REQUEST', 'INVALID_SIGNATURE', 'Invalid or stale signature'), 400);
    }
    const outcome = applyPaymentEvent(deps.db, event, clock.now());
    const log = outcome === 'rejected' ? logger.error.bind(logger) : logger.info.bind(logger);
    log({ requestId: c.get('requestId'), stripeEvent: event.id, type: event.type, outcome }, 'stripe event');
    return c.json({ received: true, outcome });
  });

  app.use('/trpc/*', async (c, next) => {
    await next();
    // Answers depend on the session cookie: never let a shared cache keep them.
    c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: createHonoContext(deps),
      onError: trpcErrorLogger(logger),
    }),
  );

  app.notFound((c) => c.json(errorBody('NOT_FOUND', 'NOT_FOUND', 'Not found'), 404));
  app.onError((error, c) => {
    logger.error({ requestId: c.get('requestId'), err: error }, 'request failed');
    if (isRetryableStorageError(error))
      return c.json(
        errorBody('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', STORAGE_REFUSED_MESSAGE),
        503,
      );
    return c.json(errorBody('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error'), 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
