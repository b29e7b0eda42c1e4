import type { Statement } from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { Executor, Sqlite } from './client.js';

const dialect = new SQLiteSyncDialect();
const statements = new WeakMap<Sqlite, Map<string, Statement>>();
const builtQueries = new WeakMap<object, Map<string, unknown>>();
const MAX_CACHED = 500;

/**
 * Runs a dynamic query through a statement cache keyed by its SQL text, so each query shape is
 * prepared once per database (values stay bound parameters). Inside a transaction it falls back
 * to Drizzle, which prepares per call.
 */
export function allRows<T>(db: Executor, query: SQL): T[] {
  const client = (db as { $client?: Sqlite }).$client;
  if (!client) return db.all<T>(query);
  const { sql, params } = dialect.sqlToQuery(query);
  let cache = statements.get(client);
  if (!cache) {
    cache = new Map();
    statements.set(client, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_CACHED) cache.clear();
    statement = client.prepare(sql);
    cache.set(sql, statement);
  }
  return statement.all(...params) as T[];
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
