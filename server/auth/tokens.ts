import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A fresh random token for a cookie or a link: 20 bytes (160 bits), base32. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** What is stored for a token: its SHA-256, so a leaked table yields no usable cookie. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

const TOKEN_SHAPE = /^[a-z2-7]{32}$/;

/** True for a string that could be one of our tokens (cheap check before any lookup). */
export function isTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}
