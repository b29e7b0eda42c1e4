import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { getTRPCErrorFromUnknown, getTRPCErrorShape } from '@trpc/server';
import { cartCookieName, sessionCookieName } from '../../server/auth/cookies.js';
import { createRequestContext } from '../../server/context.js';
import { appRouter } from '../../server/routers/_app.js';
import type { AppRouter } from '../../shared/index.js';
import type { TestApp } from './app.js';
import { socketFetch } from './socket-fetch.js';

export const ORIGIN = 'http://localhost';

/** Cookies as a browser keeps them: set by Set-Cookie, dropped at Max-Age=0. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received, raw, for attribute checks. */
  readonly received: string[] = [];

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) this.storeHeader(header);
  }

  /** Takes one Set-Cookie header value. */
  storeHeader(header: string): void {
    this.received.push(header);
    const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const expired = attributes.some((a) => a.toLowerCase() === 'max-age=0');
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(eq + 1));
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface ClientOptions {
  jar?: CookieJar;
  /** The client's address, a loopback one (127.x.y.z): the socket connects from it. */
  ip?: string;
  headers?: Record<string, string>;
  batch?: boolean;
}

/** A typed tRPC client talking to the test server over a socket, with its own cookie jar. */
export function createTestClient(testApp: TestApp, options: ClientOptions = {}) {
  const jar = options.jar ?? new CookieJar();
  const send = socketFetch(testApp.url, options.ip);
  const fetchThroughApp = async (url: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k, v);
    if (jar.cookies.size > 0) headers.set('cookie', jar.header());
    const response = await send(String(url), { ...init, headers });
    jar.store(response);
    return response;
  };
  const linkOptions = { url: `${ORIGIN}/trpc`, fetch: fetchThroughApp };
  const link =
    options.batch === false ? httpLink(linkOptions) : httpBatchLink({ ...linkOptions, maxItems: 20 });
  const client = createTRPCClient<AppRouter>({ links: [link] });
  return withJar(client, jar);
}

/**
 * Hands out `jar` as `.jar` of a tRPC client or caller: both are proxies that treat every key as a
 * procedure path, so the key is answered here.
 */
function withJar<T extends object>(target: T, jar: CookieJar): T & { jar: CookieJar } {
  return new Proxy(target, {
    get: (inner, key) => (key === 'jar' ? jar : Reflect.get(inner, key)),
  }) as T & { jar: CookieJar };
}

export type TestClient = ReturnType<typeof createTestClient>;

/** A raw request over a socket, as a browser or attacker would send it (Host: localhost). */
export function rawRequest(testApp: TestApp, path: string, init: RequestInit = {}, ip = '127.0.0.1') {
  return socketFetch(testApp.url, ip)(`${ORIGIN}${path}`, init);
}

let counter = 0;
/** A fresh, valid sign-up input. */
export function newAccount(overrides: Partial<{ email: string; password: string; name: string }> = {}) {
  counter += 1;
  return {
    email: `user${counter}-${Date.now()}@example.com`,
    password: 'correct horse battery',
    name: `User ${counter}`,
    ...overrides,
  };
}

/**
 * Calls procedures in-process as the holder of `jar`'s cookies would (session and guest cart, and
 * cookies the call sets land in the jar), without HTTP: for tests of what happens inside one
 * event-loop turn, which requests over sockets cannot promise to share.
 */
export function callerFor(testApp: TestApp, jar = new CookieJar()) {
  const { config } = testApp.deps;
  const caller = appRouter.createCaller(() =>
    createRequestContext(testApp.deps, {
      sessionToken: jar.cookies.get(sessionCookieName(config)) ?? null,
      sessionVia: 'cookie',
      cartToken: jar.cookies.get(cartCookieName(config)) ?? null,
      clientIp: '127.0.0.1',
      requestId: 'in-process',
      resHeaders: {
        append: (name, value) => {
          if (name.toLowerCase() === 'set-cookie') jar.storeHeader(value);
        },
      },
    }),
  );
  return withJar(caller, jar);
}

/** The error data a client would receive for what an in-process call threw (status, code, reason). */
export function wireErrorData(thrown: unknown) {
  const error = getTRPCErrorFromUnknown(thrown);
  const shape = getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: 'unknown',
    path: undefined,
    input: undefined,
    ctx: undefined,
  });
  return shape.data;
}
