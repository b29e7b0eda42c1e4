import { bigint } from 'drizzle-orm/pg-core';

/**
 * Epoch milliseconds, as on SQLite: the services convert them to the same ISO strings on the wire.
 * bigint in mode number: a JS number in and out, never a string (the pool parses int8 as a number).
 */
export const epochMs = (name: string) => bigint(name, { mode: 'number' });

/** Integer minor units of the store's currency: never a float, never a string. */
export const money = (name: string) => bigint(name, { mode: 'number' });
