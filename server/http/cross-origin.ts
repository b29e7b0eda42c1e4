import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';
import { errorBody } from './error-response.js';

export interface OriginFacts {
  secFetchSite: string | undefined;
  origin: string | undefined;
  /** The server's own origin: PUBLIC_URL's, else scheme and Host of the request. */
  ownOrigin: string;
  trustedOrigins: readonly string[];
}

/** The cross-origin rule of the API for a non-GET request: true to let it through. */
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

/** The request as the cross-origin rule sees it. */
export interface OriginRequest {
  method: string;
  /** `http:` or `https:`, as the server received it. */
  protocol: string;
  host: string | undefined;
  secFetchSite: string | undefined;
  origin: string | undefined;
}

/** True when the request may go on: a safe method, or a non-GET that passes the cross-origin rule. */
export function crossOriginAllowed(
  config: Pick<Config, 'PUBLIC_URL' | 'TRUSTED_ORIGINS'>,
  req: OriginRequest,
) {
  if (SAFE_METHODS.has(req.method)) return true;
  return isSameOriginOrTrusted({
    secFetchSite: req.secFetchSite,
    origin: req.origin,
    ownOrigin: config.PUBLIC_URL ?? `${req.protocol}//${req.host ?? ''}`,
    trustedOrigins: config.TRUSTED_ORIGINS,
  });
}

/** The answer to a request the cross-origin rule refuses. */
export const CROSS_ORIGIN_REFUSAL = errorBody('FORBIDDEN', 'CROSS_ORIGIN', 'Cross-origin request refused');

/**
 * Refuses cross-site non-GET requests with 403 CROSS_ORIGIN, cookie or not (login CSRF counts).
 * NOTE: Hono's csrf() only looks at form content types; tRPC also accepts JSON and multipart.
 */
export function crossOriginGuard(config: Config): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const allowed = crossOriginAllowed(config, {
      method: c.req.method,
      protocol: url.protocol,
      host: c.req.header('host') ?? url.host,
      secFetchSite: c.req.header('sec-fetch-site'),
      origin: c.req.header('origin'),
    });
    if (allowed) return next();
    return c.json(CROSS_ORIGIN_REFUSAL, 403);
  };
}
