import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context } from 'hono';
import { committedMigrationCount, type DatabaseHandle, isReady, type Sqlite } from '../db/sqlite/client.js';
import { type GuardEvent, type StorageGuard, storageGuardOf } from '../db/sqlite/storage-guard.js';
import { inWriteBatch } from '../db/sqlite/write-batch.js';
import type { Deps } from './deps.js';

/** What /readyz found: `problem` says why writes cannot succeed now (for the log, not the client). */
export interface Readiness {
  ok: boolean;
  problem: string | null;
}

const READY: Readiness = { ok: true, problem: null };

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.name : 'unknown error';
}

/**
 * Whether writes can succeed now. Every call checks that migrations are applied and that the file
 * at DATABASE_PATH is still the one opened (db/storage-guard.ts); the two costly checks are reused
 * for READINESS_CACHE_MS:
 * - free space on the database's filesystem ≥ STORAGE_MIN_FREE_BYTES. A probe write cannot prove
 *   room: WAL frames are rewritten in place after a checkpoint, so a one-page commit succeeds on a
 *   full disk until the WAL or the database must grow, which is when real writes fail;
 * - a probe write that commits (a one-page change to PRAGMA user_version, through the group
 *   commit, fsynced): it fails on a read-only file or filesystem, an I/O error, or a lock held past
 *   busy_timeout, like real writes do. A write rolled back before COMMIT touches no disk and proves none of it.
 */
export class StorageHealth {
  private readonly guard: StorageGuard | undefined;
  private cached: { at: number; result: Readiness } | null = null;
  private pending: Promise<Readiness> | null = null;
  private lastProblem: string | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly handle: DatabaseHandle,
  ) {
    this.guard = storageGuardOf(handle.sqlite);
    this.guard?.onChange((event) => this.logGuardEvent(event));
  }

  /** The readiness now; the free-space check and the probe write are at most READINESS_CACHE_MS old. */
  async check(): Promise<Readiness> {
    const result = await this.evaluate();
    if (result.problem !== this.lastProblem) {
      if (result.problem)
        this.deps.logger.error({ problem: result.problem }, 'not ready: writes cannot succeed');
      else this.deps.logger.info({ was: this.lastProblem }, 'ready: writes succeed again');
      this.lastProblem = result.problem;
    }
    return result;
  }

  private async evaluate(): Promise<Readiness> {
    const { sqlite } = this.handle;
    if (!isReady(sqlite, committedMigrationCount()))
      return { ok: false, problem: 'the database does not answer or migrations are missing' };
    const moved = this.guard?.refresh() ?? null;
    if (moved) return { ok: false, problem: moved };
    const now = this.deps.clock.now();
    if (this.cached && now - this.cached.at < this.deps.config.READINESS_CACHE_MS) return this.cached.result;
    this.pending ??= this.probe(sqlite).then((result) => {
      this.cached = { at: this.deps.clock.now(), result };
      this.pending = null;
      return result;
    });
    return this.pending;
  }

  private async probe(sqlite: Sqlite): Promise<Readiness> {
    if (this.guard) {
      const free = freeBytes(dirname(this.guard.path));
      const min = this.deps.config.STORAGE_MIN_FREE_BYTES;
      if (free !== null && free < min)
        return { ok: false, problem: `${free} bytes free on the database's filesystem, under ${min}` };
    }
    try {
      await inWriteBatch(this.handle.db, () => {
        const version = Number(sqlite.pragma('user_version', { simple: true }));
        sqlite.pragma(`user_version = ${(version + 1) % 2 ** 31}`);
      });
      return READY;
    } catch (error) {
      return { ok: false, problem: `the probe write failed: ${describe(error)}` };
    }
  }

  private logGuardEvent(event: GuardEvent) {
    const { logger } = this.deps;
    if (event.kind === 'moved') {
      // NOTE: the data written until now is in the open (possibly unlinked) files; an operator can
      // copy them from /proc while this process runs. They are gone once it stops.
      logger.error(
        { problem: event.problem, openDescriptors: event.openDescriptors },
        'the database file changed under the running server: every write is refused (503) until ' +
          'the same file is back at its path; restart to use the file now there, and copy the open ' +
          'descriptors first to keep what this process wrote',
      );
    } else {
      logger.warn({ path: event.path }, 'the database file is back at its path: writes are accepted again');
    }
  }
}

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`, or null if unknown. */
function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * PostgreSQL's readiness: the server answers, is a primary, and has every migration
 * (db/postgres/readiness.ts), asked at most every READINESS_CACHE_MS; each change is logged once.
 */
class PostgresHealth {
  private cached: { at: number; result: Readiness } | null = null;
  private pending: Promise<Readiness> | null = null;
  private lastProblem: string | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly problem: () => Promise<string | null>,
  ) {}

  async check(): Promise<Readiness> {
    const now = this.deps.clock.now();
    if (this.cached && now - this.cached.at < this.deps.config.READINESS_CACHE_MS) return this.cached.result;
    this.pending ??= this.problem().then((problem) => {
      const result = problem ? { ok: false, problem } : READY;
      this.cached = { at: this.deps.clock.now(), result };
      this.pending = null;
      if (problem !== this.lastProblem) {
        if (problem) this.deps.logger.error({ problem }, 'not ready: PostgreSQL cannot take writes');
        else this.deps.logger.info({ was: this.lastProblem }, 'ready: PostgreSQL takes writes again');
        this.lastProblem = problem;
      }
      return result;
    });
    return this.pending;
  }
}

const healths = new WeakMap<object, { check(): Promise<Readiness> }>();

/** The one health check of an open database (its state changes are logged once). */
function healthOf(deps: Deps): { check(): Promise<Readiness> } {
  const { database } = deps;
  const key = database.kind === 'sqlite' ? database.sqlite.sqlite : database.postgres.pool;
  let health = healths.get(key);
  if (!health) {
    health =
      database.kind === 'sqlite'
        ? new StorageHealth(deps, database.sqlite)
        : new PostgresHealth(deps, database.problem);
    healths.set(key, health);
  }
  return health;
}

/** GET /readyz: 200 `{ ok: true }` while writes can succeed, else 503 `{ ok: false }` (the reason is logged). */
export function readinessRoute(deps: Deps) {
  const health = healthOf(deps);
  return async (c: Context) => {
    const { ok } = await health.check();
    return ok ? c.json({ ok: true }) : c.json({ ok: false }, 503);
  };
}
