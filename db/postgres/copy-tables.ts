import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as lite from '../sqlite/schema/index.js';
import type { PgDb } from './client.js';
import * as pg from './schema/index.js';

export type SourceDb = BetterSQLite3Database<typeof lite>;
export type TargetTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/** Columns summed on both sides after a copy: money and stock (integers, so sums compare exactly). */
const SUMMED = /(^|_)(price|subtotal|total|tax|amount|value|stock)$/;

/** One table to copy: typed on both engines, so a row read from SQLite is a row PostgreSQL accepts. */
export interface TableCopy {
  name: string;
  /** Columns summed on both engines after the copy (SQL names). */
  summed: string[];
  /** The identity column whose sequence continues after the copied ids, if any. */
  identity?: string;
  /** Reads one batch from SQLite in a stable order and inserts it; returns how many rows it copied. */
  copyBatch(source: SourceDb, target: TargetTx, offset: number, limit: number): Promise<number>;
}

function table<S extends SQLiteTable, P extends PgTable>(
  source: S,
  target: P,
  // Identity conversion, checked per table at the call site: the rows' types are the same.
  convert: (row: S['$inferSelect']) => P['$inferInsert'],
  options: { identity?: string; order?: SQL } = {},
): TableCopy {
  const name = getTableName(source);
  if (getTableName(target) !== name) throw new Error(`table pair ${name} / ${getTableName(target)}`);
  const summed = Object.values(getTableColumns(source))
    .map((column) => column.name)
    .filter((column) => SUMMED.test(column));
  return {
    name,
    summed,
    ...(options.identity ? { identity: options.identity } : {}),
    async copyBatch(from, to, offset, limit) {
      const rows: S['$inferSelect'][] = from
        .select()
        .from(source)
        .orderBy(options.order ?? sql`rowid`)
        .limit(limit)
        .offset(offset)
        .all();
      if (rows.length > 0) await to.insert(target).values(rows.map(convert));
      return rows.length;
    },
  };
}

/** Parents before children: a category whose parent was re-pointed to a newer one still comes after it. */
const CATEGORY_DEPTH = sql`(WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT c.id, c.parent_id, 0 FROM category c WHERE c.id = ${lite.category.id}
    UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM category p JOIN up ON p.id = up.parent_id
  ) SELECT max(depth) FROM up), rowid`;

/** Every table of the shop, in foreign-key order (product_search is rebuilt, not copied). */
export const TABLES: TableCopy[] = [
  table(lite.user, pg.user, (r) => r),
  table(lite.category, pg.category, (r) => r, { order: CATEGORY_DEPTH }),
  table(lite.product, pg.product, (r) => r, { identity: 'seq' }),
  table(lite.variant, pg.variant, (r) => r),
  table(lite.inventoryMovement, pg.inventoryMovement, (r) => r, { identity: 'id' }),
  table(lite.discount, pg.discount, (r) => r),
  table(lite.cart, pg.cart, (r) => r),
  table(lite.cartItem, pg.cartItem, (r) => r),
  table(lite.shippingOption, pg.shippingOption, (r) => r),
  table(lite.taxRate, pg.taxRate, (r) => r),
  table(lite.customerOrder, pg.customerOrder, (r) => r),
  table(lite.orderLine, pg.orderLine, (r) => r, { identity: 'id' }),
  table(lite.orderEvent, pg.orderEvent, (r) => r, { identity: 'id' }),
  table(lite.payment, pg.payment, (r) => r),
  table(lite.discountRedemption, pg.discountRedemption, (r) => r),
  table(lite.idempotencyKey, pg.idempotencyKey, (r) => r),
  table(lite.review, pg.review, (r) => r),
  table(lite.userToken, pg.userToken, (r) => r),
  table(lite.webhook, pg.webhook, (r) => r),
  table(lite.outboxMessage, pg.outboxMessage, (r) => r),
  table(lite.paymentEvent, pg.paymentEvent, (r) => r),
  table(lite.rateLimit, pg.rateLimit, (r) => r),
  table(lite.session, pg.session, (r) => r),
  table(lite.liveEvent, pg.liveEvent, (r) => r, { identity: 'id' }),
];
