import { readCookie } from './cookies.js';

/**
 * How a request presents its session: the session cookie (browsers), an `Authorization: Bearer`
 * token (clients that are not browsers), neither, or both. Both is refused with BAD_REQUEST
 * AMBIGUOUS_CREDENTIALS (which session would it be?). A bearer token without the cookie skips the
 * cross-origin check: a page on another site cannot make a browser attach one (Authorization is
 * not a CORS-safelisted header, so only a TRUSTED_ORIGINS page passes the preflight).
 * The one rule, read by the Hono app and the tRPC fast path alike.
 */
export type SessionCredential =
  | { via: 'none' }
  | { via: 'cookie'; token: string }
  | { via: 'bearer'; token: string }
  | { via: 'both' };

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/** The bearer token of an Authorization header; undefined for another scheme or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1];
}

/** Reads the request's session credential from its Authorization and Cookie headers. */
export function readSessionCredential(
  authorization: string | undefined,
  cookieHeader: string | undefined,
  sessionCookie: string,
): SessionCredential {
  const bearer = bearerToken(authorization);
  const cookie = readCookie(cookieHeader, sessionCookie);
  if (bearer !== undefined && cookie !== null) return { via: 'both' };
  if (bearer !== undefined) return { via: 'bearer', token: bearer };
  if (cookie !== null) return { via: 'cookie', token: cookie };
  return { via: 'none' };
}
