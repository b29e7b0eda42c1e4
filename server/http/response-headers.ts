import type { Config } from '../config.js';

/** What the headers of an answer depend on. */
export interface AnswerFacts {
  requestId: string;
  /** The request's Origin header. */
  origin: string | undefined;
  /** A tRPC or REST answer: depends on the session, so never cached; varies like tRPC's own answers. */
  trpc: boolean;
  /** A page's own Content-Security-Policy (the docs page), instead of the API's `default-src 'none'`. */
  contentSecurityPolicy?: string | undefined;
}

/** True for the paths whose answers depend on the session: tRPC and its REST mirror. */
export function answersForSession(path: string): boolean {
  return path.startsWith('/trpc/') || path.startsWith('/api/v1/');
}

export type HeaderPairs = [string, string][];

/** The security headers every response carries; this server answers JSON and text only. */
function securityHeaders(config: Pick<Config, 'NODE_ENV'>): HeaderPairs {
  const headers: HeaderPairs = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
  ];
  if (config.NODE_ENV === 'production') {
    headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  }
  return headers;
}

/**
 * The one rule for the headers every answer carries, whichever path answers it: security headers,
 * the request id, Vary, CORS for an allowlisted origin (never reflected), and no-store on tRPC
 * answers. `pairs` gives them as [name, value] pairs, `flat` as node:http's flat list (the fast
 * path's form: no pair arrays per request); the fixed part is built once.
 */
export function createHeaderRule(config: Pick<Config, 'NODE_ENV' | 'TRUSTED_ORIGINS'>) {
  const fixed = securityHeaders(config);
  const trusted = new Set(config.TRUSTED_ORIGINS);
  const trpcFlat = [...fixed, ['Vary', 'trpc-accept, accept, Origin'], ['Cache-Control', 'no-store']].flat();
  const otherFlat = [...fixed, ['Vary', 'Origin']].flat();
  const flat = ({ requestId, origin, trpc, contentSecurityPolicy }: AnswerFacts): string[] => {
    const headers = (trpc ? trpcFlat : otherFlat).slice();
    if (contentSecurityPolicy !== undefined) {
      headers[headers.indexOf('Content-Security-Policy') + 1] = contentSecurityPolicy;
    }
    headers.push('X-Request-Id', requestId);
    if (origin !== undefined && trusted.has(origin)) {
      headers.push(
        'Access-Control-Allow-Origin',
        origin,
        'Access-Control-Allow-Credentials',
        'true',
        'Access-Control-Expose-Headers',
        'x-request-id',
      );
    }
    return headers;
  };
  const pairs = (facts: AnswerFacts): HeaderPairs => {
    const list = flat(facts);
    const result: HeaderPairs = [];
    for (let i = 0; i < list.length; i += 2) result.push([list[i] ?? '', list[i + 1] ?? '']);
    return result;
  };
  return { flat, pairs };
}

export type HeaderRule = ReturnType<typeof createHeaderRule>;
