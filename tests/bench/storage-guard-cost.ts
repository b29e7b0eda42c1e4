/**
 * `npx tsx tests/bench/storage-guard-cost.ts`: what the storage guard (db/storage-guard.ts) adds to
 * a write. Two parts: the wrapper every write statement runs through (inserts in one transaction,
 * with and without the guard, synchronous=OFF so that fsync does not hide CPU), and the check made
 * once per synchronous run of writes (full: three stat calls; quick: one stat of a settled
 * directory), set against one fsync'd commit
 * (synchronous=FULL, as Backroom runs). Best of several interleaved rounds. Not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { installStorageGuard, StorageGuard } from '../../db/sqlite/storage-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'backroom-guard-cost-'));
const plainPath = join(dir, 'plain.db');
const guardedPath = join(dir, 'guarded.db');

function open(path: string) {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = wal');
  sqlite.pragma('synchronous = OFF');
  sqlite.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT');
  return sqlite;
}

const plain = open(plainPath);
const guarded = open(guardedPath);
const guard = installStorageGuard(guarded, guardedPath);

function nsPer(runs: number, work: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) work();
  return Number(process.hrtime.bigint() - started) / runs;
}

const ROWS = 20_000;
const inserts = (sqlite: Database.Database) => {
  const insert = sqlite.prepare('INSERT INTO item (name) VALUES (?)');
  return sqlite.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run('x');
  });
};
const plainRun = inserts(plain);
const guardedRun = inserts(guarded);
const best = {
  plain: Number.POSITIVE_INFINITY,
  guarded: Number.POSITIVE_INFINITY,
  full: Number.POSITIVE_INFINITY,
  quick: Number.POSITIVE_INFINITY,
};
// The quick path needs a settled directory: a guard whose clock is ahead says it is.
const settled = new StorageGuard(guardedPath, () => Date.now() + 10_000);
const turn = () => new Promise((resolve) => setImmediate(resolve));
for (let round = 0; round < 15; round++) {
  best.plain = Math.min(best.plain, nsPer(1, plainRun) / ROWS);
  best.guarded = Math.min(best.guarded, nsPer(1, guardedRun) / ROWS);
  best.full = Math.min(
    best.full,
    nsPer(2_000, () => guard.refresh()),
  );
  settled.refresh();
  let quick = 0;
  for (let i = 0; i < 500; i++) {
    await turn(); // one check per turn
    const started = process.hrtime.bigint();
    settled.assertUnmoved();
    quick += Number(process.hrtime.bigint() - started);
  }
  best.quick = Math.min(best.quick, quick / 500);
}
plain.pragma('synchronous = FULL');
const commit = plain.prepare('INSERT INTO item (name) VALUES (?)');
let fsyncCommit = Number.POSITIVE_INFINITY;
for (let round = 0; round < 200; round++)
  fsyncCommit = Math.min(
    fsyncCommit,
    nsPer(1, () => commit.run('x')),
  );

console.log({
  'insert without guard (ns/statement)': Math.round(best.plain),
  'insert with guard (ns/statement)': Math.round(best.guarded),
  'check, once per synchronous run of writes: full, 3 stats (µs)': (best.full / 1000).toFixed(1),
  'check, once per synchronous run of writes: quick, 1 stat (µs)': (best.quick / 1000).toFixed(1),
  'one committed write, synchronous=FULL, best of 200 (µs)': (fsyncCommit / 1000).toFixed(0),
});
plain.close();
guarded.close();
rmSync(dir, { recursive: true, force: true });
