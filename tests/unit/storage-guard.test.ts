import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageGuard, StorageMovedError } from '../../db/sqlite/storage-guard.js';

/**
 * The guard's quick path: once the directory has been quiet, one stat of the directory stands in
 * for the three files; any entry deleted, renamed or created in it sends the next check back to
 * the files. The clock given to the guard is 10 s ahead, so the directory counts as settled now.
 */
let dir: string;
let path: string;
let sqlite: Database.Database;
let guard: StorageGuard;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backroom-guard-'));
  path = join(dir, 'shop.db');
  sqlite = new Database(path);
  sqlite.pragma('journal_mode = wal');
  sqlite.exec('CREATE TABLE item (id INTEGER PRIMARY KEY)');
  guard = new StorageGuard(path, () => Date.now() + 10_000);
});
afterEach(() => {
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StorageGuard', () => {
  it.each([
    ['the database deleted', () => rmSync(path), /shop\.db was deleted/],
    ['the WAL deleted', () => rmSync(`${path}-wal`), /shop\.db-wal was deleted/],
    ['the -shm deleted', () => rmSync(`${path}-shm`), /shop\.db-shm was deleted/],
    [
      'the database replaced',
      () => {
        writeFileSync(join(dir, 'other.db'), '');
        renameSync(join(dir, 'other.db'), path);
      },
      /shop\.db was replaced/,
    ],
  ])('refuses once the directory was checked and settled, then %s', async (_name, change, problem) => {
    guard.assertUnmoved();
    await nextTurn();
    guard.assertUnmoved(); // the quick path: the directory is unchanged
    await nextTurn();
    change();
    expect(() => guard.assertUnmoved()).toThrow(StorageMovedError);
    expect(guard.movedProblem).toMatch(problem);
  });

  it('accepts the same file moved back, and reports both changes once each', async () => {
    const events: string[] = [];
    guard.onChange((event) => events.push(event.kind));
    guard.assertUnmoved();
    await nextTurn();
    renameSync(path, `${path}.away`);
    expect(() => guard.assertUnmoved()).toThrow(StorageMovedError);
    await nextTurn();
    expect(() => guard.assertUnmoved()).toThrow(StorageMovedError);
    renameSync(`${path}.away`, path);
    await nextTurn();
    guard.assertUnmoved();
    expect(events).toEqual(['moved', 'back']);
  });
});
