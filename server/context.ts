import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
import type { Context as HonoContext } from 'hono';
import { cartCookieName, readCookie, serializeCookie, sessionCookieName } from './auth/cookies.js';
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
  /** The guest cart cookie's value, if the request carried one. */
  cartToken: string | null;
  clientIp: string;
  requestId: string;
  /** Headers added to the answer (Set-Cookie). */
  resHeaders: Pick<Headers, 'append'>;
}

/** The request's session: read once on first use, started at sign-in, ended at sign-out. */
export interface SessionHandle {
  current(): ValidatedSession | null;
  /** Starts a new session for the user, ending the one the request came with (no fixation). */
  start(userId: string): void;
  end(): void;
}

/** The guest cart cookie: set when a guest cart is created, cleared when it is merged away. */
export interface GuestCartCookie {
  token(): string | null;
  set(token: string, maxAgeMs: number): void;
  clear(): void;
}

function cookieWriter(deps: Deps, facts: RequestFacts) {
  return (name: string, value: string, maxAgeMs: number) =>
    facts.resHeaders.append(
      'Set-Cookie',
      serializeCookie(deps.config, name, value, { maxAgeSeconds: maxAgeMs / 1000 }),
    );
}

function sessionHandle(deps: Deps, facts: RequestFacts): SessionHandle {
  const { db, config, clock } = deps;
  const name = sessionCookieName(config);
  const setCookie = cookieWriter(deps, facts);
  let cached: ValidatedSession | null | undefined;

  const current = () => {
    if (cached === undefined) {
      cached = facts.sessionToken ? validateSessionToken(db, facts.sessionToken, clock.now()) : null;
      if (cached?.renewed && facts.sessionToken) setCookie(name, facts.sessionToken, SESSION_LIFETIME_MS);
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
    if (facts.sessionToken !== null) setCookie(name, '', 0);
  };
  const start = (userId: string) => {
    endCurrent();
    const now = clock.now();
    const { token } = createSession(db, userId, now);
    setCookie(name, token, SESSION_LIFETIME_MS);
    cached = validateSessionToken(db, token, now);
  };
  return { current, start, end };
}

function guestCartCookie(deps: Deps, facts: RequestFacts): GuestCartCookie {
  const name = cartCookieName(deps.config);
  const setCookie = cookieWriter(deps, facts);
  let token = facts.cartToken;
  return {
    token: () => token,
    set: (value, maxAgeMs) => {
      token = value;
      setCookie(name, value, maxAgeMs);
    },
    clear: () => {
      if (token !== null) setCookie(name, '', 0);
      token = null;
    },
  };
}

/** Transport-free context: what procedures see. Tests call this directly with createCaller. */
export function createInnerContext(deps: Deps, facts: RequestFacts) {
  return { ...deps, ...facts, session: sessionHandle(deps, facts), guestCart: guestCartCookie(deps, facts) };
}

export type Context = ReturnType<typeof createInnerContext>;

/** The client's address: the socket's, or the proxy's last X-Forwarded-For hop when TRUST_PROXY is set. */
export function clientIpOf(
  forwardedFor: string | undefined,
  remoteAddress: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = forwardedFor?.split(',').pop()?.trim();
    if (forwarded) return forwarded;
  }
  return remoteAddress ?? 'unknown';
}

/** The thin Hono adapter around createInnerContext. */
export function createHonoContext(deps: Deps) {
  const sessionCookie = sessionCookieName(deps.config);
  const cartCookie = cartCookieName(deps.config);
  return (opts: FetchCreateContextFnOptions, c: HonoContext) => {
    const cookies = opts.req.headers.get('cookie');
    return createInnerContext(deps, {
      sessionToken: readCookie(cookies, sessionCookie),
      cartToken: readCookie(cookies, cartCookie),
      clientIp: clientIpOf(
        c.req.header('x-forwarded-for'),
        (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
          ?.remoteAddress,
        deps.config.TRUST_PROXY,
      ),
      requestId: (c.get('requestId') as string | undefined) ?? 'none',
      resHeaders: opts.resHeaders,
    });
  };
}
