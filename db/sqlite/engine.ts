import type { Engine } from '../engine.js';
import type { DatabaseHandle } from './client.js';
import { createSqliteStores } from './stores.js';
import { inWriteBatch } from './write-batch.js';

/**
 * The SQLite engine: reads on the read-only connection, every transaction a unit of the group
 * commit on the write connection (its stores run inside the unit's SAVEPOINT).
 */
export function createSqliteEngine(handle: DatabaseHandle): Engine {
  const read = createSqliteStores(handle.reader);
  const write = createSqliteStores(handle.db);
  return {
    kind: 'sqlite',
    read,
    transaction: (work) => inWriteBatch(handle.db, () => work(write)),
    refreshStatistics: async () => {},
    close: async () => handle.close(),
  };
}
