import type { MiddlewareHandler } from 'hono';

/** The CORS headers an answer to an allowlisted origin carries (beyond `Vary: Origin`). */
export const CORS_RESPONSE_HEADERS = (origin: string): [string, string][] => [
  ['Access-Control-Allow-Origin', origin],
  ['Access-Control-Allow-Credentials', 'true'],
  ['Access-Control-Expose-Headers', 'x-request-id'],
];

/**
 * CORS for an exact allowlist, with credentials. Other origins get no CORS headers at all
 * (the origin is never reflected), so browsers keep their answers from the calling page.
 */
export function corsAllowlist(trustedOrigins: readonly string[]): MiddlewareHandler {
  const trusted = new Set(trustedOrigins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && trusted.has(origin);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const headers = new Headers({ Vary: 'Origin' });
      if (allowed) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Credentials', 'true');
        headers.set('Access-Control-Allow-Methods', 'GET, POST');
        headers.set('Access-Control-Allow-Headers', 'content-type, trpc-accept, x-request-id');
        headers.set('Access-Control-Max-Age', '600');
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    c.res.headers.append('Vary', 'Origin');
    if (allowed) for (const [name, value] of CORS_RESPONSE_HEADERS(origin)) c.res.headers.set(name, value);
  };
}
