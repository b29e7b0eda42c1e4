import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { answersForSession, type HeaderRule } from './response-headers.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type RequestVariables = {
  requestId: string;
  /** Set by a route that answers a page with its own policy (the docs page). */
  contentSecurityPolicy?: string;
};

/** The request's id: a sane incoming X-Request-Id, or a new UUID. */
export function requestIdFrom(incoming: string | undefined): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * The procedures a tRPC URL names (`/trpc/a.b,c.d` → `a.b,c.d`), or the one a REST URL names
 * (`/api/v1/catalog/products` → `catalog.products`); never the input.
 */
function procedureOf(path: string): string | undefined {
  if (path.startsWith('/trpc/')) return path.slice('/trpc/'.length);
  if (path.startsWith('/api/v1/')) return path.slice('/api/v1/'.length).replaceAll('/', '.');
  return undefined;
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

/** Where every answer is counted and logged: the logger and the metrics of the process. */
export interface AccessLog {
  logger: Logger;
  metrics: Metrics;
}

const accessLoggers = new WeakMap<Logger, Logger>();

/**
 * Counts an answered request in the metrics and writes its one JSON log line.
 * NOTE: no headers, query strings or bodies are logged, so passwords, cookies and tokens never
 * reach the log; that is why this line alone skips the redaction pass (half its cost).
 */
export function logRequest({ logger, metrics }: AccessLog, answered: AnsweredRequest): void {
  const { requestId, method, path, status } = answered;
  const durationMs = Math.round((performance.now() - answered.started) * 1000) / 1000;
  const procedure = procedureOf(path);
  metrics.observe(method, status, durationMs / 1000, procedure);
  let accessLogger = accessLoggers.get(logger);
  if (!accessLogger) {
    accessLogger = logger.child({}, { redact: [] });
    accessLoggers.set(logger, accessLogger);
  }
  accessLogger.info({ requestId, method, path, procedure, status, durationMs });
}

/**
 * The Hono side of the response rules: gives each request its id, and on the way out sets the
 * header rule's headers and logs the answer (the fast path applies the same two functions).
 */
export function answerRules(
  access: AccessLog,
  headerRule: HeaderRule,
): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    await next();
    const path = c.req.path;
    const facts = {
      requestId,
      origin: c.req.header('origin'),
      trpc: answersForSession(path),
      contentSecurityPolicy: c.get('contentSecurityPolicy'),
    };
    for (const [name, value] of headerRule.pairs(facts)) {
      c.res.headers.set(name, value);
    }
    logRequest(access, { requestId, method: c.req.method, path, status: c.res.status, started });
  };
}
