import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';
import { errorBody } from '../http/error-response.js';

export interface OriginFacts {
  secFetchSite: string | undefined;
  origin: string | undefined;
  /** The server's own origin: PUBLIC_URL's, else scheme and Host of the request. */
  ownOrigin: string;
  trustedOrigins: readonly string[];
}

/** The cross-origin rule of API.md for a non-GET request: true to let it through. */
export function isSameOriginOrTrusted({
  secFetchSite,
  origin,
  ownOrigin,
  trustedOrigins,
}: OriginFacts): boolean {
  if (secFetchSite !== undefined) {
    if (secFetchSite === 'same-origin' || secFetchSite === 'none') return true;
    return origin !== undefined && trustedOrigins.includes(origin);
  }
  if (origin !== undefined) return origin === ownOrigin || trustedOrigins.includes(origin);
  return true;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses cross-site non-GET requests with 403 CROSS_ORIGIN, cookie or not (login CSRF counts).
 * NOTE: Hono's csrf() only looks at form content types; tRPC also accepts JSON and multipart.
 */
export function crossOriginGuard(config: Config): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const url = new URL(c.req.url);
    const ownOrigin = config.PUBLIC_URL ?? `${url.protocol}//${c.req.header('host') ?? url.host}`;
    const allowed = isSameOriginOrTrusted({
      secFetchSite: c.req.header('sec-fetch-site'),
      origin: c.req.header('origin'),
      ownOrigin,
      trustedOrigins: config.TRUSTED_ORIGINS,
    });
    if (allowed) return next();
    return c.json(errorBody('FORBIDDEN', 'CROSS_ORIGIN', 'Cross-origin request refused'), 403);
  };
}
