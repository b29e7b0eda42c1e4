import { trpcServer } from '@hono/trpc-server';
import type { AnyTRPCRouter, TRPCError } from '@trpc/server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { sessionCookieName } from './auth/cookies.js';
import { createContextFactory, type NodeRequest } from './context.js';
import type { Deps } from './deps.js';
import { corsPreflight } from './http/cors.js';
import { crossOriginGuard, sessionCredentialGuard } from './http/cross-origin.js';
import { errorBody, refusalFor, unexpectedFailure } from './http/error-response.js';
import { MAX_BATCH_SIZE, MAX_BODY_BYTES, PAYLOAD_TOO_LARGE } from './http/limits.js';
import { createRequestListener } from './http/listener.js';
import { LiveStreams } from './http/live-streams.js';
import { Metrics } from './http/metrics.js';
import { DOCS_PAGE_CSP, renderDocsPage } from './http/openapi/docs-page.js';
import { buildOpenApi } from './http/openapi/document.js';
import { restRoute } from './http/openapi/rest-route.js';
import { indexProcedures } from './http/procedure-index.js';
import { type AccessLog, answerRules, type RequestVariables } from './http/request-log.js';
import { createHeaderRule } from './http/response-headers.js';
import { createTrpcFastPath } from './http/trpc-fast-path.js';
import { urlGuard } from './http/url-guard.js';
import type { PaymentEvent } from './integrations/payments/index.js';
import { appRouter } from './routers/_app.js';
import { applyPaymentEvent } from './services/orders/payment-events.js';
import { readinessRoute } from './storage-health.js';

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

export interface AppOptions {
  /** Answer the common tRPC calls on the fast path (default); off, every request goes through Hono. */
  fastPath?: boolean;
}

/**
 * The server's HTTP application: the node:http request listener that `npm start` serves and the
 * tests drive over a socket, with its metrics. Every response rule is built here once and read by
 * both answering paths: the tRPC fast path and the Hono app.
 */
export function createApp(deps: Deps, options: AppOptions = {}) {
  const router: AnyTRPCRouter = appRouter;
  const metrics = new Metrics(indexProcedures(router).keys());
  const access: AccessLog = { logger: deps.logger, metrics };
  const headerRule = createHeaderRule(deps.config);
  const createContext = createContextFactory(deps);
  const streams = new LiveStreams(deps.config.SUBSCRIPTION_MAX_SECONDS * 1000);
  const hono = createHonoApp(deps, access, headerRule, createContext, streams);
  const fastPath =
    options.fastPath === false
      ? null
      : createTrpcFastPath({
          router,
          config: deps.config,
          maxBodyBytes: MAX_BODY_BYTES,
          access,
          headerRule,
          createContext,
          onError: trpcErrorLogger(deps.logger),
          streams,
        });
  const listener = createRequestListener({
    fetch: hono.fetch,
    fastPath,
    maxBodyBytes: MAX_BODY_BYTES,
    access,
    headerRule,
  });
  return { listener, metrics, streams };
}

export type App = ReturnType<typeof createApp>;

/** The Hono app: every rule and refusal before tRPC, the routes, and the stock tRPC adapter. */
function createHonoApp(
  deps: Deps,
  access: AccessLog,
  headerRule: ReturnType<typeof createHeaderRule>,
  createContext: ReturnType<typeof createContextFactory>,
  streams: LiveStreams,
) {
  const { config, logger } = deps;
  const { metrics } = access;
  const app = new Hono<{ Bindings: { incoming: NodeRequest }; Variables: RequestVariables }>();

  app.use(answerRules(access, headerRule));
  app.use(urlGuard);
  app.use(corsPreflight(config.TRUSTED_ORIGINS));
  app.use('/trpc/*', sessionCredentialGuard(config));
  app.use('/api/v1/*', sessionCredentialGuard(config));
  app.use(crossOriginGuard(config));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // NOTE: the rest of a streamed body is not read; closing the connection after the answer
      // keeps the client from sending its next request on a connection the server drops.
      onError: (c) => c.json(refusalFor(c.req.path, PAYLOAD_TOO_LARGE), 413, { Connection: 'close' }),
    }),
  );

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', readinessRoute(deps));
  app.get('/metrics', async (c) => {
    if (config.METRICS_TOKEN && c.req.header('authorization') !== `Bearer ${config.METRICS_TOKEN}`) {
      return c.json(errorBody('UNAUTHORIZED', 'UNAUTHENTICATED', 'Metrics token required'), 401);
    }
    return c.text(await metrics.render(), 200, { 'Content-Type': metrics.contentType });
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
    const outcome = await applyPaymentEvent(deps, event, clock.now());
    const log = outcome === 'rejected' ? logger.error.bind(logger) : logger.info.bind(logger);
    log({ requestId: c.get('requestId'), stripeEvent: event.id, type: event.type, outcome }, 'stripe event');
    return c.json({ received: true, outcome });
  });

  const openApi = buildOpenApi(appRouter, {
    publicUrl: config.PUBLIC_URL,
    sessionCookie: sessionCookieName(config),
  });
  const docsPage = renderDocsPage(openApi.document);
  app.get('/api/openapi.json', (c) => c.json(openApi.document));
  app.get('/api/docs', (c) => {
    c.set('contentSecurityPolicy', DOCS_PAGE_CSP);
    return c.html(docsPage);
  });
  app.all(
    '/api/v1/*',
    restRoute({
      router: appRouter,
      operations: openApi.operations,
      createContext,
      onError: trpcErrorLogger(logger),
    }),
  );

  app.use('/trpc/*', streams.middleware());
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      endpoint: '/trpc',
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: (opts, c) => createContext(c.env.incoming, c.get('requestId'), opts.resHeaders),
      onError: trpcErrorLogger(logger),
    }),
  );

  app.notFound((c) => c.json(refusalFor(c.req.path, errorBody('NOT_FOUND', 'NOT_FOUND', 'Not found')), 404));
  app.onError((error, c) => {
    logger.error({ requestId: c.get('requestId'), err: error }, 'request failed');
    const { status, body } = unexpectedFailure(error);
    return c.json(refusalFor(c.req.path, body), status);
  });
  return app;
}
