import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import type { Sqlite } from './client.js';

/**
 * The database file a connection opened is no longer the file at its path (deleted, moved away or
 * replaced while the server ran). Nothing was written: the write was refused before its COMMIT.
 */
export class StorageMovedError extends Error {
  readonly code = 'BACKROOM_DATABASE_MOVED';
  constructor(readonly problem: string) {
    super(`The database file changed under the running server (${problem}); nothing was saved`);
    this.name = 'StorageMovedError';
  }
}

/** What a guard reports when the file at the path stops (or starts again) being the opened one. */
export type GuardEvent =
  | { kind: 'moved'; problem: string; path: string; openDescriptors: string[] }
  | { kind: 'back'; path: string };

interface Identity {
  dev: number;
  ino: number;
}

const SIDE_FILES = ['', '-wal', '-shm'] as const;

function identityOf(path: string): Identity | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats ? { dev: stats.dev, ino: stats.ino } : null;
}

function readlinkOrNull(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null; // closed meanwhile
  }
}

/** The /proc/self/fd entries still open on the files, so an operator can copy them back. */
function openDescriptorsOf(path: string): string[] {
  try {
    const found: string[] = [];
    for (const fd of readdirSync('/proc/self/fd')) {
      const target = readlinkOrNull(`/proc/self/fd/${fd}`);
      if (target?.startsWith(path)) found.push(`/proc/${process.pid}/fd/${fd} → ${target}`);
    }
    return found;
  } catch {
    return []; // not Linux, or /proc is not mounted
  }
}

/**
 * Compares the database file (and its -wal and -shm) at the path with the files this connection
 * opened, by device and inode. Every write checks it before it can commit (a TEMP trigger on each
 * table calls it), once per synchronous run of writes: a group commit, a transaction and an
 * autocommit statement all run synchronously, so the check precedes their COMMIT.
 */
export class StorageGuard {
  readonly path: string;
  private readonly opened: (Identity | null)[];
  private checkedThisTurn = false;
  private problem: string | null = null;
  private readonly listeners = new Set<(event: GuardEvent) => void>();
  private readonly resetTurn = () => {
    this.checkedThisTurn = false;
  };

  constructor(path: string) {
    this.path = realpathSync(path);
    this.opened = SIDE_FILES.map((suffix) => identityOf(this.path + suffix));
  }

  /** Why writes are refused, or null while the files at the path are the opened ones (no I/O). */
  get movedProblem(): string | null {
    return this.problem;
  }

  /** Calls `listener` on every change between "the opened files" and "other files" at the path. */
  onChange(listener: (event: GuardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Throws StorageMovedError when the files at the path are not the opened ones (checked once per turn). */
  assertUnmoved(): void {
    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true;
      queueMicrotask(this.resetTurn);
      this.refresh();
    }
    if (this.problem !== null) throw new StorageMovedError(this.problem);
  }

  /** Stats the files now; returns the problem, or null when they are the opened ones. */
  refresh(): string | null {
    let problem: string | null = null;
    SIDE_FILES.forEach((suffix, i) => {
      const opened = this.opened[i];
      if (problem !== null || !opened) return;
      const now = identityOf(this.path + suffix);
      if (!now) problem = `${this.path}${suffix} was deleted or moved away`;
      else if (now.dev !== opened.dev || now.ino !== opened.ino)
        problem = `${this.path}${suffix} was replaced by another file`;
    });
    if (problem !== this.problem) {
      const was = this.problem;
      this.problem = problem;
      if (problem !== null && was === null) {
        const event: GuardEvent = {
          kind: 'moved',
          problem,
          path: this.path,
          openDescriptors: openDescriptorsOf(this.path),
        };
        for (const listener of this.listeners) listener(event);
      } else if (problem === null) {
        for (const listener of this.listeners) listener({ kind: 'back', path: this.path });
      }
    }
    return problem;
  }
}

const guards = new WeakMap<Sqlite, StorageGuard>();

/** The guard of a connection opened on a file by openDatabase; undefined for :memory:. */
export function storageGuardOf(sqlite: Sqlite): StorageGuard | undefined {
  return guards.get(sqlite);
}

const CHECK_FUNCTION = 'backroom_storage_check';

/**
 * Installs the guard on a connection: a SQL function and, on every table of `main`, TEMP triggers
 * BEFORE INSERT, UPDATE and DELETE that call it. TEMP objects live only in this connection, so the
 * schema, migrations, backups and other processes never see them.
 * NOTE: the check runs before a write can commit, not at the instant of the COMMIT: a file deleted
 * during the same synchronous run of writes (microseconds to a few ms) is not seen until the next.
 */
export function installStorageGuard(sqlite: Sqlite, path: string): StorageGuard {
  // A read opens the -wal and -shm files (WAL mode), so the guard records all three.
  sqlite.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  const guard = new StorageGuard(path);
  sqlite.function(CHECK_FUNCTION, { deterministic: false }, () => {
    guard.assertUnmoved();
    return null;
  });
  const tables = sqlite
    .prepare(
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .pluck()
    .all();
  for (const table of tables) {
    if (typeof table !== 'string') continue;
    const quoted = `"${table.replaceAll('"', '""')}"`;
    for (const operation of ['INSERT', 'UPDATE', 'DELETE']) {
      const trigger = `"backroom_guard_${table.replaceAll('"', '""')}_${operation.toLowerCase()}"`;
      sqlite.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS ${trigger} BEFORE ${operation} ON main.${quoted} ` +
          `BEGIN SELECT ${CHECK_FUNCTION}(); END`,
      );
    }
  }
  guards.set(sqlite, guard);
  return guard;
}
