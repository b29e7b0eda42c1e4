import { expect } from 'vitest';
import type { DatabaseHandle } from '../../db/sqlite/client.js';
import { writeBatchCounters } from '../../db/sqlite/write-batch.js';
import type { TestApp } from './app.js';

/** The SQLite write connection of a test app (group-commit tests run on SQLite only). */
export function sqliteOf(app: TestApp): DatabaseHandle {
  const { database } = app.deps;
  if (database.kind !== 'sqlite') throw new Error('this test needs the SQLite engine');
  return database.sqlite;
}

/** Fires every call at once and waits for all, checking they went through one group commit. */
export async function inOneBatch<T>(app: TestApp, calls: (() => Promise<T>)[]) {
  const { db } = sqliteOf(app);
  const before = writeBatchCounters(db);
  const results = await Promise.allSettled(calls.map((call) => call()));
  const after = writeBatchCounters(db);
  expect(after.commits - before.commits).toBe(1);
  expect(after.units - before.units).toBe(calls.length);
  return results;
}
