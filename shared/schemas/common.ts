import { z } from 'zod';

/** An opaque id as the API hands them out. */
export const idSchema = z.string().min(1).max(64);

/** Money in minor units (1999 = 19.99): a whole number from 0 to 100 million. */
export const moneySchema = z.number().int().min(0).max(100_000_000);

export const slugSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single dashes');

export const limitSchema = z.number().int().min(1).max(100).default(20);

/** An opaque keyset cursor from a previous page's `nextCursor`. */
export const cursorSchema = z.string().min(1).max(512);
