import type pg from 'pg';

/**
 * ANALYZE every table of the current schema that holds rows, and no empty one.
 *
 * NOTE: an empty table ANALYZEd is recorded as holding 0 rows, and the planner then prices a scan
 * of it by its real size when a statement is planned: nothing, so a lookup by key plans as a
 * sequential scan. Plans are kept (the pool's named statements are planned once per connection,
 * foreign-key checks once per connection too) while that table grows: measured on a shop copied
 * with no orders yet, every order then scanned all of customer_order 3.7 times (foreign-key checks)
 * and idempotency_key once, 92 million rows read for 7,113 orders. A table never ANALYZEd is priced
 * at ten pages at least, which plans lookups by key as index scans; autovacuum ANALYZEs it once it
 * has rows (and the plans made before are planned again then).
 */
export async function analyzeTablesWithRows(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT quote_ident(c.relname) AS name FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`,
  );
  for (const { name } of rows) {
    const { rowCount } = await pool.query(`SELECT 1 FROM ${name} LIMIT 1`);
    if (rowCount) await pool.query(`ANALYZE ${name}`);
  }
}
