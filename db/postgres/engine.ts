import type { Engine } from '../engine.js';
import type { PostgresHandle } from './client.js';
import { createPostgresStores } from './stores.js';
import { runTransaction, type TransactionOptions } from './transaction.js';

/** The PostgreSQL engine: reads on the pool, transactions READ COMMITTED with retries. */
export function createPostgresEngine(
  handle: PostgresHandle,
  options: Pick<TransactionOptions, 'onRetry'> = {},
): Engine {
  return {
    kind: 'postgres',
    read: createPostgresStores(handle.db),
    transaction: (work) => runTransaction(handle.db, (tx) => work(createPostgresStores(tx)), options),
    refreshStatistics: async () => {
      await handle.pool.query('ANALYZE');
    },
    // Every process learns of committed events by NOTIFY (db/postgres/live-listener.ts).
    onLiveEvents: () => () => {},
    close: () => handle.close(),
  };
}
