import { expect } from 'vitest';
import { writeBatchCounters } from '../../db/sqlite/write-batch.js';
import type { TestApp } from './app.js';

/** Fires every call at once and waits for all, checking they went through one group commit. */
export async function inOneBatch<T>(app: TestApp, calls: (() => Promise<T>)[]) {
  const before = writeBatchCounters(app.deps.db);
  const results = await Promise.allSettled(calls.map((call) => call()));
  const after = writeBatchCounters(app.deps.db);
  expect(after.commits - before.commits).toBe(1);
  expect(after.units - before.units).toBe(calls.length);
  return results;
}
