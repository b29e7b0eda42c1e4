import type { Stores } from './stores/index.js';

export type EngineKind = 'sqlite' | 'postgres';

/**
 * The database as business logic sees it, whichever engine serves it.
 * - `read`: queries outside any transaction. On SQLite they run on a read-only connection of their
 *   own, so they never see a write transaction's uncommitted rows.
 * - `transaction(work)`: `work` runs in one transaction and its promise resolves once that
 *   transaction committed (durably). SQLite: queued into the group commit (one SAVEPOINT per unit,
 *   one COMMIT and fsync per batch, see db/sqlite/write-batch.ts). PostgreSQL: READ COMMITTED, run
 *   again on a serialization failure or deadlock (db/postgres/transaction.ts).
 *   NOTE: `work` may run more than once and, on SQLite, holds the only write connection while it
 *   runs: it awaits its stores and nothing else (no network, no password hashing, no timers).
 */
export interface Engine {
  readonly kind: EngineKind;
  readonly read: Stores;
  transaction<T>(work: (tx: Stores) => Promise<T>): Promise<T>;
  /**
   * `work` reads, decides, then makes one write that holds on its own (a store method that checks
   * everything it relies on and writes all or nothing, such as checkout.place).
   * - SQLite: all of `work` is one transaction, as with `transaction`.
   * - PostgreSQL: `work` gets the pool's stores, outside any transaction, and its write is one
   *   statement committing on its own. The row locks it takes (a best-seller's stock) are held for
   *   that statement only, not across the three round trips BEGIN, the write and COMMIT would add.
   *   Run again on a serialization failure or deadlock, as `transaction` is.
   * NOTE: the same rules as `transaction`'s work; and on PostgreSQL any other write `work` made
   * would commit alone, so it makes exactly one.
   */
  readThenWrite<T>(work: (s: Stores) => Promise<T>): Promise<T>;
  /**
   * After a bulk load (a generated catalogue, db:copy): brings the query planner's statistics up to
   * date. PostgreSQL plans by them (before ANALYZE, a two-word search on a freshly loaded 100k
   * catalogue took 1,050 ms instead of 20 ms); SQLite's plans rest on its indexes and are pinned by
   * tests, so it has nothing to do.
   */
  refreshStatistics(): Promise<void>;
  /**
   * Calls `listener` after a transaction of this process that wrote live events committed; returns
   * the function that stops it: the live bus of the process reads them at once, instead of at its
   * next poll (SQLite) or when the NOTIFY sent after the commit comes back (PostgreSQL).
   */
  onLiveEvents(listener: () => void): () => void;
  close(): Promise<void>;
}

/** The `onLiveEvents` listeners of an engine: `listen` is that method, `committed` calls them all. */
export function liveCommitListeners() {
  const listeners = new Set<() => void>();
  return {
    listen(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    committed(): void {
      for (const listener of listeners) listener();
    },
  };
}
