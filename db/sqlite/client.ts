import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database, { type RunResult } from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { journalEntryCount } from '../migrations-journal.js';
import * as schema from './schema/index.js';
import { installStorageGuard } from './storage-guard.js';

export type Db = BetterSQLite3Database<typeof schema>;
export type Sqlite = Database.Database;
/** The database or a transaction on it: what a unit of work that may join a transaction takes. */
export type Executor = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export interface DatabaseHandle {
  /** The write connection: every write (and the group commit) runs on it. */
  db: Db;
  sqlite: Sqlite;
  /**
   * A read-only connection for reads outside a transaction, so they never see a unit's uncommitted
   * rows while the group commit runs. An in-memory database has one connection: `reader` is `db`.
   */
  reader: Db;
  close(): void;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

const REQUIRED_PRAGMAS = [
  ['journal_mode', 'wal'],
  ['synchronous', 2], // FULL: an acknowledged payment survives power loss
  ['foreign_keys', 1],
  ['busy_timeout', 5000],
] as const;

/**
 * Opens SQLite with the PRAGMAs set below, verifies them, applies pending migrations, and (for a
 * file) installs the storage guard: no write commits once the file at the path is another one.
 */
export function openDatabase(path: string, options: { migrate?: boolean } = {}): DatabaseHandle {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  try {
    for (const [name, value] of REQUIRED_PRAGMAS) sqlite.pragma(`${name} = ${value}`);
    for (const [name, expected] of REQUIRED_PRAGMAS) {
      const actual = sqlite.pragma(name, { simple: true });
      // An in-memory database has no WAL; every other setting must hold.
      if (inMemory && name === 'journal_mode') continue;
      if (actual !== expected) throw new Error(`PRAGMA ${name} is ${String(actual)}, expected ${expected}`);
    }
    const db = drizzle(sqlite, { schema });
    if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    if (inMemory) return { db, sqlite, reader: db, close: () => sqlite.close() };
    installStorageGuard(sqlite, path);
    const readConnection = openReader(path);
    return {
      db,
      sqlite,
      reader: drizzle(readConnection, { schema }),
      close: () => {
        readConnection.close();
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** A read-only connection to the same file (WAL lets it read while the write connection writes). */
function openReader(path: string): Sqlite {
  const reader = new Database(path, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  return reader;
}

/**
 * The better-sqlite3 connection behind the root Drizzle handle. A transaction object has none:
 * statement caches and the group commit work on the connection, so they need the root handle.
 */
export function rootConnection(db: Executor): Sqlite {
  const connection = (db as { $client?: Sqlite }).$client;
  if (!connection) throw new TypeError('This needs the root database handle, not a transaction');
  return connection;
}

let committed: number | undefined;
/** How many migrations are committed in db/migrations (read once from drizzle-kit's journal). */
export function committedMigrationCount(): number {
  committed ??= journalEntryCount(MIGRATIONS_FOLDER);
  return committed;
}

/** True when the database answers and every committed migration has been applied. */
export function isReady(sqlite: Sqlite, expectedMigrations: number): boolean {
  try {
    const row = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    return row.n >= expectedMigrations;
  } catch {
    return false;
  }
}
