import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type RequestVariables = { requestId: string };

/** The procedures a tRPC URL names (`/trpc/a.b,c.d` → `a.b,c.d`); never the input. */
function procedureOf(path: string): string | undefined {
  return path.startsWith('/trpc/') ? path.slice('/trpc/'.length) : undefined;
}

/**
 * Gives each request an id (a sane incoming X-Request-Id or a new UUID), echoes it, and writes one
 * JSON log line when the answer is ready. NOTE: no headers, query strings or bodies are logged,
 * so passwords, cookies and tokens never reach the log.
 */
export function requestLog(
  logger: Logger,
  metrics: Metrics,
): MiddlewareHandler<{ Variables: RequestVariables }> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    const status = c.res.status;
    metrics.observe(c.req.method, status, durationMs / 1000);
    logger.info({
      requestId,
      method: c.req.method,
      path: c.req.path,
      procedure: procedureOf(c.req.path),
      status,
      durationMs,
    });
  };
}
