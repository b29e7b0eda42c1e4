import type { Engine } from '../engine.js';
import type { Executor } from './client.js';
import { createSqliteStores } from './stores.js';
import { inWriteBatch } from './write-batch.js';

/**
 * LEGACY bridge: an Engine over the one SQLite write connection a caller still holds (`deps.db`),
 * reads included, transactions through that connection's group commit (the same batcher as the
 * real engine's). For callers not yet handed `deps.engine`; everything new takes the engine.
 */
export function sqliteEngineOnConnection(db: Executor): Engine {
  const stores = createSqliteStores(db);
  return {
    kind: 'sqlite',
    read: stores,
    transaction: (work) => inWriteBatch(db, () => work(stores)),
    close: async () => {},
  };
}
