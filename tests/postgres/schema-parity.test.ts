import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { openDatabase, type Sqlite } from '../../db/sqlite/client.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

/**
 * The two engines' databases as their committed migrations build them, compared table by table and
 * column by column: names, types (integer ↔ integer/bigint/boolean), nullability, primary keys,
 * CHECK constraints by name, foreign keys with their ON DELETE, indexes by name, triggers by name.
 */
const unavailable = await postgresUnavailable();

/** What only one engine has, and why. Everything else must match exactly. */
const SEARCH_TABLE = 'product_search'; // FTS5 virtual table on SQLite, tsvector table on PostgreSQL
const PG_ONLY_INDEXES = ['variant_sku_trgm_idx', 'product_search_document_idx'];
// PostgreSQL: an index on stock makes every stock update non-HOT (db/postgres/schema/catalog.ts).
const SQLITE_ONLY_INDEXES = ['variant_stock_idx'];
const SQLITE_ONLY_TRIGGERS = ['product_search_after_delete']; // PostgreSQL: ON DELETE CASCADE
const TYPES: Record<string, string[]> = {
  integer: ['integer', 'bigint', 'boolean'],
  text: ['text'],
  real: ['double precision'],
};
const MONEY = /(^|_)(price|subtotal|total|tax|amount|value)$/;

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  primaryKey: boolean;
}
interface Shape {
  columns: Column[];
  checks: string[];
  foreignKeys: string[];
  indexes: string[];
}
type Shapes = Map<string, Shape>;

const tableRow = z.object({ name: z.string(), sql: z.string() });
const columnRow = z.object({ name: z.string(), type: z.string(), notnull: z.number(), pk: z.number() });
const fkRow = z.object({ table: z.string(), from: z.string(), to: z.string(), on_delete: z.string() });
const indexRow = z.object({ name: z.string(), origin: z.string() });

function sqliteShapes(sqlite: Sqlite): Shapes {
  const shapes: Shapes = new Map();
  const tables = z.array(tableRow).parse(
    sqlite
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name <> '__drizzle_migrations' AND name NOT LIKE '${SEARCH_TABLE}_%' ORDER BY name`,
      )
      .all(),
  );
  for (const { name, sql } of tables) {
    if (name === SEARCH_TABLE) {
      shapes.set(name, { columns: [], checks: [], foreignKeys: [], indexes: [] });
      continue;
    }
    const columns = z
      .array(columnRow)
      .parse(sqlite.prepare(`SELECT * FROM pragma_table_info(?)`).all(name))
      .map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        notNull: c.notnull === 1 || c.pk > 0,
        primaryKey: c.pk > 0,
      }));
    const checks = [...sql.matchAll(/CONSTRAINT "(\w+)" CHECK/g)].map((m) => m[1] ?? '');
    const foreignKeys = z
      .array(fkRow)
      .parse(sqlite.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(name))
      .map((fk) => `${fk.from} → ${fk.table}.${fk.to} on delete ${fk.on_delete.toLowerCase()}`);
    const indexes = z
      .array(indexRow)
      .parse(sqlite.prepare('SELECT * FROM pragma_index_list(?)').all(name))
      .filter((i) => i.origin !== 'pk')
      .map((i) => i.name);
    shapes.set(name, {
      columns,
      checks: checks.sort(),
      foreignKeys: foreignKeys.sort(),
      indexes: indexes.filter((index) => !SQLITE_ONLY_INDEXES.includes(index)).sort(),
    });
  }
  return shapes;
}

const ON_DELETE: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

async function postgresShapes(handle: PostgresHandle): Promise<Shapes> {
  const query = async <T extends z.ZodType>(schema: T, text: string) =>
    z.array(schema).parse((await handle.pool.query(text)).rows);
  const columns = await query(
    z.object({
      table_name: z.string(),
      column_name: z.string(),
      data_type: z.string(),
      is_nullable: z.string(),
      pk: z.boolean(),
    }),
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,
       EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
               WHERE i.indisprimary AND i.indrelid = format('public.%I', c.table_name)::regclass AND a.attname = c.column_name) AS pk
     FROM information_schema.columns c WHERE c.table_schema = 'public' ORDER BY c.table_name, c.ordinal_position`,
  );
  const constraints = await query(
    z.object({ table: z.string(), name: z.string(), kind: z.string() }),
    `SELECT t.relname AS table, c.conname AS name, c.contype AS kind FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid WHERE c.connamespace = 'public'::regnamespace AND c.contype = 'c'`,
  );
  const foreignKeys = await query(
    z.object({ table: z.string(), from: z.string(), ref: z.string(), to: z.string(), action: z.string() }),
    `SELECT t.relname AS table, a.attname AS from, r.relname AS ref, ra.attname AS to, c.confdeltype AS action
     FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, refcol)
     JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
     JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refcol
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  const indexes = await query(
    z.object({ tablename: z.string(), indexname: z.string() }),
    `SELECT t.relname AS tablename, x.relname AS indexname FROM pg_index i
     JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relnamespace = 'public'::regnamespace AND NOT i.indisprimary`,
  );
  const shapes: Shapes = new Map();
  for (const c of columns) {
    const shape = shapes.get(c.table_name) ?? { columns: [], checks: [], foreignKeys: [], indexes: [] };
    shape.columns.push({
      name: c.column_name,
      type: c.data_type,
      notNull: c.is_nullable === 'NO',
      primaryKey: c.pk,
    });
    shapes.set(c.table_name, shape);
  }
  for (const c of constraints) shapes.get(c.table)?.checks.push(c.name);
  for (const fk of foreignKeys) {
    shapes
      .get(fk.table)
      ?.foreignKeys.push(`${fk.from} → ${fk.ref}.${fk.to} on delete ${ON_DELETE[fk.action] ?? fk.action}`);
  }
  for (const i of indexes) shapes.get(i.tablename)?.indexes.push(i.indexname);
  for (const shape of shapes.values()) {
    shape.checks.sort();
    shape.foreignKeys.sort();
    shape.indexes = shape.indexes.filter((name) => !PG_ONLY_INDEXES.includes(name)).sort();
  }
  return shapes;
}

describe.skipIf(unavailable)(
  suiteTitle('the PostgreSQL schema mirrors the SQLite schema', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;
    let sqlite: ReturnType<typeof openDatabase>;
    let lite: Shapes;
    let pg: Shapes;

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(2));
      sqlite = openDatabase(':memory:');
      lite = sqliteShapes(sqlite.sqlite);
      pg = await postgresShapes(handle);
    });
    afterAll(async () => {
      sqlite?.close();
      await handle?.close();
      await database?.drop();
    });

    it('has the same tables', () => {
      expect([...pg.keys()].sort()).toEqual([...lite.keys()].sort());
      expect(lite.size).toBeGreaterThanOrEqual(20);
    });

    it('has the same columns in each table: names, compatible types, nullability, primary keys', () => {
      for (const [table, shape] of lite) {
        if (table === SEARCH_TABLE) continue;
        const other = pg.get(table)?.columns ?? [];
        expect(
          other.map((c) => c.name),
          table,
        ).toEqual(shape.columns.map((c) => c.name));
        for (const column of shape.columns) {
          const twin = other.find((c) => c.name === column.name);
          const where = `${table}.${column.name}`;
          expect(twin?.notNull, where).toBe(column.notNull);
          expect(twin?.primaryKey, where).toBe(column.primaryKey);
          expect(TYPES[column.type], where).toContain(twin?.type);
          // Money and epoch-millisecond timestamps: 64-bit integers, never float or numeric.
          if (MONEY.test(column.name) || column.name.endsWith('_at'))
            expect(twin?.type, where).toBe('bigint');
        }
      }
    });

    it('has the same CHECK constraints, foreign keys and indexes on each table', () => {
      for (const [table, shape] of lite) {
        if (table === SEARCH_TABLE) continue;
        const other = pg.get(table);
        expect(other?.checks, `${table} checks`).toEqual(shape.checks);
        expect(other?.foreignKeys, `${table} foreign keys`).toEqual(shape.foreignKeys);
        expect(other?.indexes, `${table} indexes`).toEqual(shape.indexes);
      }
      const checks = [...lite.values()].flatMap((s) => s.checks);
      expect(checks).toEqual(
        expect.arrayContaining(['variant_stock_check', 'cart_item_quantity_check', 'order_line_money_check']),
      );
    });

    it('has the same triggers (keeping min price, stock total and search up to date)', async () => {
      const onSqlite = z
        .array(z.object({ name: z.string() }))
        .parse(sqlite.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).all())
        .map((t) => t.name)
        .filter((name) => !SQLITE_ONLY_TRIGGERS.includes(name));
      const { rows } = await handle.pool.query<{ name: string }>(
        `SELECT DISTINCT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = 'public'`,
      );
      expect(rows.map((r) => r.name).sort()).toEqual(onSqlite.sort());
    });
  },
);
