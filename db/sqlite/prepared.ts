import type { Statement } from 'better-sqlite3';
import { type Executor, rootConnection, type Sqlite } from './client.js';

const statements = new WeakMap<Sqlite, Map<string, Statement>>();
const rawStatements = new WeakMap<Sqlite, Map<string, Statement>>();
const builtQueries = new WeakMap<object, Map<string, unknown>>();
const MAX_CACHED = 500;

/** A query as SQL text with `?` placeholders and its values, in order. */
export interface PlainQuery {
  text: string;
  params: (string | number)[];
}

/** The statement of `text` on the root handle, prepared once (per text and row mode) per database. */
function cachedStatement(db: Executor, text: string, raw: boolean): Statement {
  const client = rootConnection(db);
  const caches = raw ? rawStatements : statements;
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    if (cache.size >= MAX_CACHED) cache.clear();
    statement = client.prepare(text);
    if (raw) statement.raw(true);
    cache.set(text, statement);
  }
  return statement;
}

/**
 * Runs a dynamic query through a statement cache keyed by its SQL text, so each query shape is
 * prepared once per database and no query builder runs per request (values stay bound
 * parameters). Takes the root handle; the text must come from code, never from input.
 */
export function allRows<T>(
  db: Executor,
  query: { text: string; params: readonly (string | number | null)[] },
): T[] {
  return cachedStatement(db, query.text, false).all(...query.params) as T[];
}

/** As allRows, each row as the array of its values in select order (for a checked reader). */
export function allValues(db: Executor, query: PlainQuery): unknown[] {
  return cachedStatement(db, query.text, true).all(...query.params);
}

/**
 * A Drizzle prepared query built once per database handle and name (use `sql.placeholder` for
 * the values), instead of building and preparing the query on every request.
 */
export function preparedQuery<T>(db: Executor, name: string, build: (db: Executor) => T): T {
  let cache = builtQueries.get(db);
  if (!cache) {
    cache = new Map();
    builtQueries.set(db, cache);
  }
  let query = cache.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db);
    cache.set(name, query);
  }
  return query;
}
