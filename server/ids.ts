import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** A new opaque id: 15 random bytes as 24 base32 characters. */
export function newId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(15));
}
