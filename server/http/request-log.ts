import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type RequestVariables = { requestId: string };

/** The request's id: a sane incoming X-Request-Id, or a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** The procedures a tRPC URL names (`/trpc/a.b,c.d` → `a.b,c.d`); never the input. */
function procedureOf(path: string): string | undefined {
  return path.startsWith('/trpc/') ? path.slice('/trpc/'.length) : undefined;
}

export interface AnsweredRequest {
  requestId: string;
  method: string;
  /** The URL's path, without the query string. */
  path: string;
  status: number;
  /** `performance.now()` when the request arrived. */
  started: number;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * Counts an answered request in the metrics and writes its one JSON log line.
 * NOTE: no headers, query strings or bodies are logged, so passwords, cookies and tokens never
 * reach the log; that is why this line alone skips the redaction pass (half its cost).
 */
export function logRequest(logger: Logger, metrics: Metrics, answered: AnsweredRequest): void {
  const { requestId, method, path, status } = answered;
  const durationMs = Math.round((performance.now() - answered.started) * 1000) / 1000;
  metrics.observe(method, status, durationMs / 1000);
  let accessLogger = accessLoggers.get(logger);
  if (!accessLogger) {
    accessLogger = logger.child({}, { redact: [] });
    accessLoggers.set(logger, accessLogger);
  }
  accessLogger.info({ requestId, method, path, procedure: procedureOf(path), status, durationMs });
}

/** Gives each request an id, echoes it in X-Request-Id, and logs the answer (see logRequest). */
export function requestLog(
  logger: Logger,
  metrics: Metrics,
): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    logRequest(logger, metrics, {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      started,
    });
  };
}
