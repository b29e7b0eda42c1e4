/**
 * Planner statistics after a load (db:copy, the demo seed): tables with rows are ANALYZEd, empty
 * ones are left never analyzed, so a lookup by key on a table that is empty now (no orders yet)
 * still plans as an index scan and keeps doing so as the table fills (db/postgres/statistics.ts).
 * The control shows why: the same table ANALYZEd while empty plans that lookup as a sequential
 * scan, and such plans were kept per connection while orders piled up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { analyzeTablesWithRows } from '../../db/postgres/statistics.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable)(suiteTitle('Planner statistics after a load on PostgreSQL', unavailable), () => {
  let database: TestDatabase;
  let handle: PostgresHandle;

  beforeAll(async () => {
    ({ database, handle } = await openMigratedTestDatabase(1));
    await handle.pool.query(
      `INSERT INTO category (id, slug, name, created_at, updated_at) VALUES ('c1', 'one', 'One', 0, 0), ('c2', 'two', 'Two', 0, 0)`,
    );
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  const analyzed = async (table: string) =>
    (
      await handle.pool.query<{ reltuples: number }>(
        'SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)',
        [table],
      )
    ).rows[0]?.reltuples;

  /** The scan the planner picks for one order by id (as a foreign-key check asks for it). */
  const orderLookup = async () => {
    const { rows } = await handle.pool.query<{ 'QUERY PLAN': string }>(
      "EXPLAIN SELECT 1 FROM customer_order WHERE id = 'o-1' FOR KEY SHARE",
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  };

  it('analyzes the tables with rows and leaves the empty ones never analyzed', async () => {
    await analyzeTablesWithRows(handle.pool);
    expect(await analyzed('category')).toBe(2);
    expect(await analyzed('customer_order')).toBe(-1);
    expect(await orderLookup()).toMatch(/Index (Only )?Scan/);
    expect(await orderLookup()).not.toMatch(/Seq Scan/);
  });

  it('control: the same empty table ANALYZEd plans the lookup as a sequential scan', async () => {
    await handle.pool.query('ANALYZE customer_order');
    expect(await analyzed('customer_order')).toBe(0);
    expect(await orderLookup()).toMatch(/Seq Scan on customer_order/);
  });
});
