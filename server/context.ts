import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import type { Context as HonoContext } from 'hono';
import { readCookie, serializeCookie, sessionCookieName } from './auth/cookies.js';
import {
  createSession,
  invalidateSession,
  SESSION_LIFETIME_MS,
  type ValidatedSession,
  validateSessionToken,
} from './auth/sessions.js';
import type { Deps } from './deps.js';

export interface RequestFacts {
  /** The session cookie's value, if the request carried one. */
  sessionToken: string | null;
  clientIp: string;
  requestId: string;
  /** Headers added to the answer (Set-Cookie). */
  resHeaders: Headers;
}

/** The request's session: read once on first use, started at sign-in, ended at sign-out. */
export interface SessionHandle {
  current(): ValidatedSession | null;
  /** Starts a new session for the user, ending the one the request came with (no fixation). */
  start(userId: string): void;
  end(): void;
}

function sessionHandle(deps: Deps, facts: RequestFacts): SessionHandle {
  const { db, config, clock } = deps;
  const cookieName = sessionCookieName(config);
  const setCookie = (token: string, maxAgeMs: number) =>
    facts.resHeaders.append(
      'Set-Cookie',
      serializeCookie(config, cookieName, token, { maxAgeSeconds: maxAgeMs / 1000 }),
    );
  let cached: ValidatedSession | null | undefined;

  const current = () => {
    if (cached === undefined) {
      cached = facts.sessionToken ? validateSessionToken(db, facts.sessionToken, clock.now()) : null;
      if (cached?.renewed && facts.sessionToken) setCookie(facts.sessionToken, SESSION_LIFETIME_MS);
    }
    return cached;
  };
  const endCurrent = () => {
    const existing = current();
    if (existing) invalidateSession(db, existing.session.id);
    cached = null;
  };
  const end = () => {
    endCurrent();
    if (facts.sessionToken !== null) setCookie('', 0);
  };
  const start = (userId: string) => {
    endCurrent();
    const now = clock.now();
    const { token } = createSession(db, userId, now);
    setCookie(token, SESSION_LIFETIME_MS);
    cached = validateSessionToken(db, token, now);
  };
  return { current, start, end };
}

/** Transport-free context: what procedures see. Tests call this directly with createCaller. */
export function createInnerContext(deps: Deps, facts: RequestFacts) {
  return { ...deps, ...facts, session: sessionHandle(deps, facts) };
}

export type Context = ReturnType<typeof createInnerContext>;

/** The client's address: the socket's, or the proxy's last X-Forwarded-For hop when TRUST_PROXY is set. */
export function clientIpOf(c: HonoContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** The thin Hono adapter around createInnerContext. */
export function createHonoContext(deps: Deps) {
  const cookieName = sessionCookieName(deps.config);
  return (opts: FetchCreateContextFnOptions, c: HonoContext) =>
    createInnerContext(deps, {
      sessionToken: readCookie(opts.req.headers.get('cookie'), cookieName),
      clientIp: clientIpOf(c, deps.config.TRUST_PROXY),
      requestId: (c.get('requestId') as string | undefined) ?? 'none',
      resHeaders: opts.resHeaders,
    });
}
