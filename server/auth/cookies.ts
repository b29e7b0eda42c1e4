import type { Config } from '../config.js';

export interface CookieOptions {
  maxAgeSeconds: number;
}

/** The session cookie's name: `__Host-` prefixed in production, where it is also Secure. */
export function sessionCookieName(config: Config): string {
  return config.NODE_ENV === 'production' ? '__Host-session' : 'session';
}

/** The guest cart cookie's name, prefixed like the session's. */
export function cartCookieName(config: Config): string {
  return config.NODE_ENV === 'production' ? '__Host-cart' : 'cart';
}

/** A Set-Cookie value with the attributes the API reference fixes: HttpOnly, SameSite=Lax, Path=/, Secure in production. */
export function serializeCookie(
  config: Config,
  name: string,
  value: string,
  { maxAgeSeconds }: CookieOptions,
): string {
  const parts = [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ];
  if (config.NODE_ENV === 'production') parts.push('Secure');
  return parts.join('; ');
}

/** Reads one cookie from a Cookie header without decoding surprises; the first occurrence wins. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
