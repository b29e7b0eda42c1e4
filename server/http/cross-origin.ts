import type { MiddlewareHandler } from 'hono';
import { sessionCookieName } from '../auth/cookies.js';
import { readSessionCredential } from '../auth/credentials.js';
import type { Config } from '../config.js';
import { errorBody, refusalFor } from './error-response.js';

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
  /** It carries a bearer token and no session cookie (auth/credentials.ts): nothing ambient to forge. */
  bearerOnly: boolean;
}

/**
 * True when the request may go on: a safe method, a request authenticated by a bearer token alone,
 * or a non-GET that passes the cross-origin rule.
 */
export function crossOriginAllowed(
  config: Pick<Config, 'PUBLIC_URL' | 'TRUSTED_ORIGINS'>,
  req: OriginRequest,
) {
  if (SAFE_METHODS.has(req.method) || req.bearerOnly) return true;
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
  const sessionCookie = sessionCookieName(config);
  return async (c, next) => {
    const url = new URL(c.req.url);
    const credential = readSessionCredential(
      c.req.header('authorization'),
      c.req.header('cookie'),
      sessionCookie,
    );
    const allowed = crossOriginAllowed(config, {
      method: c.req.method,
      protocol: url.protocol,
      host: c.req.header('host') ?? url.host,
      secFetchSite: c.req.header('sec-fetch-site'),
      origin: c.req.header('origin'),
      bearerOnly: credential.via === 'bearer',
    });
    if (allowed) return next();
    return c.json(refusalFor(c.req.path, CROSS_ORIGIN_REFUSAL), 403);
  };
}

/** The answer to a request that carries both the session cookie and a bearer token. */
export const AMBIGUOUS_CREDENTIALS_REFUSAL = errorBody(
  'BAD_REQUEST',
  'AMBIGUOUS_CREDENTIALS',
  'Send the session cookie or an Authorization bearer token, not both',
);

/** Refuses with 400 AMBIGUOUS_CREDENTIALS a request to the API carrying both a session cookie and a bearer token. */
export function sessionCredentialGuard(config: Config): MiddlewareHandler {
  const sessionCookie = sessionCookieName(config);
  return async (c, next) => {
    const credential = readSessionCredential(
      c.req.header('authorization'),
      c.req.header('cookie'),
      sessionCookie,
    );
    if (credential.via !== 'both') return next();
    return c.json(refusalFor(c.req.path, AMBIGUOUS_CREDENTIALS_REFUSAL), 400);
  };
}
