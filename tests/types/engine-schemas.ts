/**
 * Type-level parity of the two engines' schemas, checked by `npm run typecheck` (never executed):
 * every table reads and writes the same TypeScript row on SQLite and on PostgreSQL, so a service
 * written once compiles against either. A column added to one schema only fails here.
 */
import type * as pg from '../../db/postgres/schema/index.js';
import type * as sqlite from '../../db/sqlite/schema/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Same<
  S extends { $inferSelect: unknown; $inferInsert: unknown },
  P extends { $inferSelect: unknown; $inferInsert: unknown },
> =
  Equal<S['$inferSelect'], P['$inferSelect']> extends true
    ? Equal<S['$inferInsert'], P['$inferInsert']>
    : false;

type SqliteTables = {
  [K in keyof typeof sqlite as (typeof sqlite)[K] extends { $inferSelect: unknown }
    ? K
    : never]: (typeof sqlite)[K];
};
type Parity = {
  [K in keyof SqliteTables]: K extends keyof typeof pg
    ? SqliteTables[K] extends { $inferSelect: unknown; $inferInsert: unknown }
      ? (typeof pg)[K] extends { $inferSelect: unknown; $inferInsert: unknown }
        ? Same<SqliteTables[K], (typeof pg)[K]>
        : 'not a table on PostgreSQL'
      : never
    : 'missing on PostgreSQL';
};

declare const parity: Parity;
/** Every entry must be `true`; the error names the table that differs. */
export const checked: { [K in keyof Parity]: true } = parity;
/** And it is not vacuous: the catalogue, orders and the outbox are among the tables compared. */
export const compared: Array<keyof Parity> = [
  'product',
  'variant',
  'customerOrder',
  'orderLine',
  'outboxMessage',
];
