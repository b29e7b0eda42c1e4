import { type Engine, liveCommitListeners } from '../engine.js';
import type { Stores } from '../stores/index.js';
import type { PgExecutor, PostgresHandle } from './client.js';
import { LiveNotifier } from './live-notifier.js';
import { analyzeTablesWithRows } from './statistics.js';
import { createPostgresStores } from './stores.js';
import { runTransaction, type TransactionOptions, withRetries } from './transaction.js';

/** Runs `work` on stores over `db`, and answers with the highest live-event id they appended. */
async function runTracked<T>(db: PgExecutor, work: (s: Stores) => Promise<T>) {
  let lastLiveId = 0;
  const stores = createPostgresStores(db, (id) => {
    lastLiveId = Math.max(lastLiveId, id);
  });
  return { result: await work(stores), lastLiveId };
}

/**
 * The PostgreSQL engine: reads on the pool, transactions READ COMMITTED with retries. Live events a
 * transaction appends are announced to the listeners once it has committed (live-notifier.ts).
 */
export function createPostgresEngine(
  handle: PostgresHandle,
  options: Pick<TransactionOptions, 'onRetry'> = {},
): Engine {
  const notifier = new LiveNotifier(handle.pool);
  /** This process's own listeners: woken at commit, before the NOTIFY comes back to them. */
  const liveListeners = liveCommitListeners();
  const announce = (lastLiveId: number) => {
    if (lastLiveId > 0) {
      notifier.notify(lastLiveId);
      liveListeners.committed();
    }
  };
  return {
    kind: 'postgres',
    read: createPostgresStores(handle.db, (lastId) => notifier.notify(lastId)),
    transaction: async (work) => {
      // Per attempt: a rolled-back attempt's events never committed.
      const { result, lastLiveId } = await runTransaction(handle.db, (tx) => runTracked(tx, work), options);
      announce(lastLiveId);
      return result;
    },
    readThenWrite: async (work) => {
      // On the pool: the one write commits as it returns, and its events with it.
      const { result, lastLiveId } = await withRetries(() => runTracked(handle.db, work), options);
      announce(lastLiveId);
      return result;
    },
    refreshStatistics: () => analyzeTablesWithRows(handle.pool),
    onLiveEvents: liveListeners.listen,
    close: async () => {
      await notifier.settled();
      await handle.close();
    },
  };
}
