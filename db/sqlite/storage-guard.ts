import { readdirSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
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
/** How long the directory must have been unchanged before its ctime alone vouches for its files. */
const SETTLED_MS = 1000;

/** The directory's identity and last change: an entry deleted, renamed or added changes its ctime. */
interface DirectoryMark {
  dev: number;
  ino: number;
  ctimeMs: number;
}

const sameMark = (mark: DirectoryMark, stats: Stats) =>
  stats.ctimeMs === mark.ctimeMs && stats.ino === mark.ino && stats.dev === mark.dev;

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
 * opened, by device and inode. Every write statement checks it before it runs, once per
 * event-loop turn: a group commit (all its units), a transaction and an autocommit statement each run
 * within one turn, so the check precedes their COMMIT. The check is one stat of the directory while
 * its ctime has not moved since a full check (deleting, renaming or creating any entry moves it),
 * else a stat of each of the three files.
 * NOTE: the directory's ctime vouches only once it is SETTLED_MS old, so that a change within the
 * same coarse kernel timestamp as the last one cannot go unseen.
 */
export class StorageGuard {
  readonly path: string;
  private readonly opened: (Identity | null)[];
  private readonly directory: string;
  private checkedThisTurn = false;
  private problem: string | null = null;
  /** The directory as the last full check found it with every file in place, once settled. */
  private mark: DirectoryMark | null = null;
  private readonly listeners = new Set<(event: GuardEvent) => void>();
  private readonly resetTurn = () => {
    this.checkedThisTurn = false;
  };

  /** `now` is the wall clock the filesystem's timestamps are compared with (tests move it). */
  constructor(
    path: string,
    private readonly now: () => number = Date.now,
  ) {
    this.path = realpathSync(path);
    this.directory = dirname(this.path);
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

  /**
   * Throws StorageMovedError when the files at the path are not the opened ones (checked once per
   * event-loop turn). NOTE: a turn, not a microtask: a group commit's units are async (they await
   * their stores, which answer at once on SQLite), so one batch runs in one turn across many
   * microtasks; resetting per microtask made it stat once per statement (7% of placeOrder's CPU).
   */
  assertUnmoved(): void {
    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true;
      setImmediate(this.resetTurn);
      const directory = this.mark && statSync(this.directory, { throwIfNoEntry: false });
      if (!this.mark || !directory || !sameMark(this.mark, directory)) this.refresh();
    }
    if (this.problem !== null) throw new StorageMovedError(this.problem);
  }

  /** Stats the files now; returns the problem, or null when they are the opened ones. */
  refresh(): string | null {
    // The directory first: a change after this stat moves its ctime past the mark.
    const directory = statSync(this.directory, { throwIfNoEntry: false });
    let problem: string | null = null;
    SIDE_FILES.forEach((suffix, i) => {
      const opened = this.opened[i];
      if (problem !== null || !opened) return;
      const now = identityOf(this.path + suffix);
      if (!now) problem = `${this.path}${suffix} was deleted or moved away`;
      else if (now.dev !== opened.dev || now.ino !== opened.ino)
        problem = `${this.path}${suffix} was replaced by another file`;
    });
    const settled = directory && this.now() - directory.ctimeMs >= SETTLED_MS;
    this.mark =
      problem === null && directory && settled
        ? { dev: directory.dev, ino: directory.ino, ctimeMs: directory.ctimeMs }
        : null;
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

const GUARDED_METHODS = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Installs the guard on a connection: every statement it prepares that writes (SQLite's
 * `sqlite3_stmt_readonly` is false: INSERT, UPDATE, DELETE, DDL) checks the guard before it runs.
 * Drizzle and the group commit prepare every statement through `prepare`, so every write of the
 * app passes here; reads, `pragma()` and `exec()` (migrations, seeding) do not.
 * NOTE: a write statement pays one closure call; the stat of the three files happens once per
 * event-loop turn of writes (measured in tests/bench/storage-guard-cost.ts). A TEMP trigger per
 * table did the same at 0.3–1.4 µs per written row, which an order's ~20 rows would feel.
 * NOTE: the check precedes the first write of a turn, and so its COMMIT; a file deleted
 * during that same run (microseconds to a few ms) is only seen by the next.
 */
export function installStorageGuard(sqlite: Sqlite, path: string): StorageGuard {
  // A read opens the -wal and -shm files (WAL mode), so the guard records all three.
  sqlite.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  const guard = new StorageGuard(path);
  const prepare = sqlite.prepare;
  // defineProperty: `prepare` is generic over its result type, which one wrapper cannot restate.
  Object.defineProperty(sqlite, 'prepare', {
    configurable: true,
    writable: true,
    value(this: Sqlite, source: string) {
      const statement = prepare.call(this, source);
      if (statement.readonly) return statement;
      const prototype: object = Object.getPrototypeOf(statement);
      for (const name of GUARDED_METHODS) {
        const method: unknown = Reflect.get(prototype, name);
        if (typeof method !== 'function') continue;
        Object.defineProperty(statement, name, {
          configurable: true,
          writable: true,
          value(this: unknown, ...params: unknown[]) {
            guard.assertUnmoved();
            return Reflect.apply(method, this, params);
          },
        });
      }
      return statement;
    },
  });
  guards.set(sqlite, guard);
  return guard;
}
