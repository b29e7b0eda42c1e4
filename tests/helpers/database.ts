import type { InferSelectModel } from 'drizzle-orm';
import * as pgSchema from '../../db/postgres/schema/index.js';
import * as liteSchema from '../../db/sqlite/schema/index.js';
import type { TestApp } from './app.js';

type Value = string | number | null;

/** The engine this run's test apps use: TEST_ENGINE=postgres, else SQLite. */
export const TEST_ENGINE: 'sqlite' | 'postgres' =
  process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** Raw SQL on a test app's database, whichever engine it runs on (for setup and checks in tests). */
export interface TestSql {
  /** Rows of a query written with `?` placeholders (numbered for PostgreSQL here). */
  all<T>(text: string, params?: Value[]): Promise<T[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(text: string, params?: Value[]): Promise<number>;
}

/** `?` → `$1`, `$2`, … (the texts come from the tests, never from input). */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * The app's database for raw SQL. Writes go around the application (no group commit, no outbox):
 * tests use this to arrange a state the API cannot reach (an expired row, a tampered value) or to
 * read what the API does not show.
 */
export function testSql(app: TestApp): TestSql {
  const { database } = app.deps;
  if (database.kind === 'sqlite') {
    const { sqlite } = database.sqlite;
    return {
      all: async <T>(text: string, params: Value[] = []) => sqlite.prepare(text).all(...params) as T[],
      run: async (text, params = []) => sqlite.prepare(text).run(...params).changes,
    };
  }
  const { pool } = database.postgres;
  return {
    all: async <T>(text: string, params: Value[] = []) =>
      (await pool.query(numbered(text), params)).rows as T[],
    run: async (text, params = []) => (await pool.query(numbered(text), params)).rowCount ?? 0,
  };
}

/** The tables tests read whole (the same name and row type on both engines, see tests/types/engine-schemas.ts). */
const TABLES = [
  'user',
  'session',
  'cart',
  'cartItem',
  'variant',
  'inventoryMovement',
  'discount',
  'customerOrder',
  'idempotencyKey',
  'payment',
  'paymentEvent',
  'outboxMessage',
  'webhook',
] as const;
type TableName = (typeof TABLES)[number];
export type TableRow<K extends TableName> = InferSelectModel<(typeof liteSchema)[K]>;

/** Every row of a table, as Drizzle reads it on the app's engine (camelCase fields, numbers, booleans). */
export async function tableRows<K extends TableName>(app: TestApp, name: K): Promise<TableRow<K>[]> {
  const { database } = app.deps;
  // NOTE: the row types are equal on both engines (tests/types/engine-schemas.ts); the casts only
  // tell TypeScript which of the union's tables `name` picked.
  if (database.kind === 'sqlite') {
    const table = liteSchema[name] as typeof liteSchema.user;
    return database.sqlite.db.select().from(table).all() as TableRow<K>[];
  }
  const table = pgSchema[name] as typeof pgSchema.user;
  return (await database.postgres.db.select().from(table)) as TableRow<K>[];
}
