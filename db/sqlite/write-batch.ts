import type { Statement } from 'better-sqlite3';
import { type Executor, rootConnection, type Sqlite } from './client.js';

/** The most units of work one commit carries; the rest wait for the next turn's commit. */
export const MAX_BATCH = 64;
/** How many more turns a batch may wait while each turn brings more units (see gatherOrFlush). */
export const MAX_GATHER_TURNS = 8;

/** The batch's COMMIT (or BEGIN) failed: nothing of it was written, so every unit may be retried. */
export class WriteBatchError extends Error {
  constructor(cause: unknown) {
    super('The write could not be committed; nothing was saved, retry', { cause });
    this.name = 'WriteBatchError';
  }
}

interface Unit {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Group commit on one connection: the units submitted in one event-loop turn share a COMMIT. */
class WriteBatcher {
  private queue: Unit[] = [];
  private scheduled = false;
  private flushing = false;
  private gathered = 0;
  private gatherTurns = 0;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  commits = 0;
  units = 0;

  constructor(private readonly sqlite: Sqlite) {
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    this.savepoint = sqlite.prepare('SAVEPOINT write_batch_unit');
    this.release = sqlite.prepare('RELEASE write_batch_unit');
    this.rollbackTo = sqlite.prepare('ROLLBACK TO write_batch_unit');
  }

  submit<T>(work: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    this.gathered = this.queue.length;
    this.gatherTurns = 0;
    // setImmediate runs after this turn's I/O callbacks: every request read in this turn joins.
    setImmediate(this.gatherOrFlush);
  }

  /**
   * Flushes once a turn brings no new unit. While each turn adds some (requests still arriving
   * under load), the batch waits one more turn, so more writes share the fsync, which SQLite waits
   * for on the event loop. No timer: a quiet turn costs microseconds, so a lone write is not held.
   */
  private readonly gatherOrFlush = () => {
    const grew = this.queue.length > this.gathered;
    if (grew && this.queue.length < MAX_BATCH && this.gatherTurns < MAX_GATHER_TURNS) {
      this.gathered = this.queue.length;
      this.gatherTurns += 1;
      setImmediate(this.gatherOrFlush);
      return;
    }
    this.flush();
  };

  private flush() {
    this.scheduled = false;
    this.flushing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.run(batch)
      .then(
        (outcomes) => {
          this.commits += 1;
          this.units += batch.length;
          batch.forEach((unit, i) => {
            const outcome = outcomes[i] as Outcome;
            if (outcome.ok) unit.resolve(outcome.value);
            else unit.reject(outcome.error);
          });
        },
        // NOTE: nothing of the batch is acknowledged unless its COMMIT returned.
        (error: unknown) => {
          for (const unit of batch) unit.reject(new WriteBatchError(error));
        },
      )
      .finally(() => {
        this.flushing = false;
        if (this.queue.length > 0) this.schedule();
      });
  }

  /**
   * BEGIN IMMEDIATE, one SAVEPOINT per unit (a failing unit rolls back to it alone), COMMIT. A unit
   * may be async (it awaits its stores, which answer at once on SQLite); the next unit starts only
   * once it settled, and no other batch runs meanwhile, so the units never interleave.
   */
  private async run(batch: Unit[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    this.begin.run();
    try {
      for (const unit of batch) {
        this.savepoint.run();
        try {
          const value = await unit.work();
          this.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          // Some errors (disk full, I/O) make SQLite roll the whole transaction back: the batch is lost.
          if (!this.sqlite.inTransaction) throw error;
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.commit.run();
    } catch (error) {
      if (this.sqlite.inTransaction) this.rollback.run();
      throw error;
    }
    return outcomes;
  }
}

const batchers = new WeakMap<Sqlite, WriteBatcher>();

function batcherOf(db: Executor): WriteBatcher {
  const sqlite = rootConnection(db);
  let batcher = batchers.get(sqlite);
  if (!batcher) {
    batcher = new WriteBatcher(sqlite);
    batchers.set(sqlite, batcher);
  }
  return batcher;
}

/**
 * Runs `work` (it uses the root handle, whose statements run inside the open transaction; if async,
 * it must await nothing but that handle's statements) in the next group commit on this database: the units submitted in one event-loop
 * turn (and in the next turns while each brings more, see gatherOrFlush) share one
 * `BEGIN IMMEDIATE … COMMIT`, each in its own SAVEPOINT, so a unit that throws
 * undoes only its own writes and gets its own error. Resolves only after the COMMIT returned (one
 * fsync for the batch); if the COMMIT fails, every unit of the batch rejects with WriteBatchError.
 */
export function inWriteBatch<T>(db: Executor, work: () => T | Promise<T>): Promise<T> {
  return batcherOf(db).submit(work);
}

/** How many group commits this database made and how many units they carried (tests prove batching with it). */
export function writeBatchCounters(db: Executor): { commits: number; units: number } {
  const { commits, units } = batcherOf(db);
  return { commits, units };
}
