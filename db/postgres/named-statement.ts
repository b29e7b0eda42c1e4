import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { QueryResult, QueryResultRow } from 'pg';
import type { PgExecutor } from './client.js';

const dialect = new PgDialect();

/**
 * A hot raw statement under a name: each pooled connection parses it once, and plans it once (the
 * pool's connections run with plan_cache_mode=force_generic_plan, see client.ts); later calls send
 * only its values. `query` is built once, with `sql.placeholder(key)` wherever a value goes, so its
 * text never changes (pg refuses one name for two texts). Builder queries get the same with
 * `.prepare(name)` on placeholders; this is for the statements a builder cannot write (CTEs).
 */
export function namedStatement<Row extends QueryResultRow>(name: string, query: SQL) {
  const built = dialect.sqlToQuery(query);
  return (db: PgExecutor, values: Record<string, unknown>): Promise<QueryResult<Row>> =>
    db._.session
      .prepareQuery<{ execute: QueryResult<Row>; all: unknown; values: unknown }>(
        built,
        undefined,
        name,
        false,
      )
      .execute(values);
}

/**
 * A store's builder statement prepared under a name (`.prepare(name)` on placeholders) the first
 * time it is needed, then reused for the store's life (the pool's, or one transaction's).
 */
export function onFirstUse<T>(prepare: () => T): () => T {
  let prepared: T | undefined;
  return () => {
    prepared ??= prepare();
    return prepared;
  };
}
