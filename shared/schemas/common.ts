import { z } from 'zod';

/**
 * A string input both engines store and compare alike: PostgreSQL's `text` cannot hold a NUL
 * character (it refuses the statement), so every text input refuses one up front, answered as
 * INVALID_INPUT on both engines instead of a 500 on PostgreSQL. Passwords (only hashed) and search
 * text (control characters dropped, see searchTextSchema) keep accepting any character.
 */
export const text = () =>
  z.string().refine((value) => !value.includes('\u0000'), 'NUL characters are not allowed');

/** An opaque id as the API hands them out. */
export const idSchema = text().min(1).max(64);

/** Money in minor units (1999 = 19.99): a whole number from 0 to 100 million. */
export const moneySchema = z.number().int().min(0).max(100_000_000);

export const slugSchema = text()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single dashes');

export const limitSchema = z.number().int().min(1).max(100).default(20);

/** An opaque keyset cursor from a previous page's `nextCursor`. */
export const cursorSchema = text().min(1).max(512);
