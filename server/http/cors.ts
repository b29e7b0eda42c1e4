import type { MiddlewareHandler } from 'hono';

/**
 * Answers CORS preflights for an exact allowlist, with credentials. Other origins get no CORS
 * headers at all (the origin is never reflected), so browsers keep answers from the calling page.
 * The CORS headers of every other answer come from the header rule (response-headers.ts).
 */
export function corsPreflight(trustedOrigins: readonly string[]): MiddlewareHandler {
  const trusted = new Set(trustedOrigins);
  return async (c, next) => {
    if (c.req.method !== 'OPTIONS' || !c.req.header('access-control-request-method')) return next();
    const origin = c.req.header('origin');
    const headers = new Headers();
    if (origin !== undefined && trusted.has(origin)) {
      headers.set('Access-Control-Allow-Methods', 'GET, POST');
      headers.set('Access-Control-Allow-Headers', 'authorization, content-type, trpc-accept, x-request-id');
      headers.set('Access-Control-Max-Age', '600');
    }
    return new Response(null, { status: 204, headers });
  };
}
