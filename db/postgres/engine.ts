import { type Engine, liveCommitListeners } from '../engine.js';
import type { PostgresHandle } from './client.js';
import { LiveNotifier } from './live-notifier.js';
import { analyzeTablesWithRows } from './statistics.js';
import { createPostgresStores } from './stores.js';
import { runTransaction, type TransactionOptions, withRetries } from './transaction.js';

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
      const { result, lastLiveId } = await runTransaction(
        handle.db,
        async (tx) => {
          // Per attempt: a rolled-back attempt's events never committed.
          let lastLiveId = 0;
          const stores = createPostgresStores(tx, (id) => {
            lastLiveId = Math.max(lastLiveId, id);
          });
          return { result: await work(stores), lastLiveId };
        },
        options,
      );
      announce(lastLiveId);
      return result;
    },
    readThenWrite: async (work) => {
      const { result, lastLiveId } = await withRetries(async () => {
        let lastLiveId = 0;
        // On the pool: the one write commits as it returns, and its events with it.
        const stores = createPostgresStores(handle.db, (id) => {
          lastLiveId = Math.max(lastLiveId, id);
        });
        return { result: await work(stores), lastLiveId };
      }, options);
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
