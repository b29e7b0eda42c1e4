import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';

/** The security headers every response carries; this server answers JSON and text only. */
export function securityHeaders(config: Pick<Config, 'NODE_ENV'>): [string, string][] {
  const headers: [string, string][] = [
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

/** Sets the security headers on every response. */
export function secureHeaders(config: Config): MiddlewareHandler {
  const headers = securityHeaders(config);
  return async (c, next) => {
    await next();
    for (const [name, value] of headers) c.res.headers.set(name, value);
  };
}
