import { type Engine, liveCommitListeners } from '../engine.js';
import type { DatabaseHandle } from './client.js';
import { createSqliteStores } from './stores.js';
import { inWriteBatch } from './write-batch.js';

/**
 * The SQLite engine: reads on the read-only connection, every transaction a unit of the group
 * commit on the write connection (its stores run inside the unit's SAVEPOINT). A commit that
 * carried live events calls the `onLiveEvents` listeners once it returned.
 */
export function createSqliteEngine(handle: DatabaseHandle): Engine {
  const read = createSqliteStores(handle.reader);
  const liveListeners = liveCommitListeners();
  // NOTE: set by a unit that wrote events, read when a unit's commit resolves; batches never
  // overlap, so a unit of the next batch cannot set it before this batch's units have resolved.
  let wroteLiveEvents = false;
  const write = createSqliteStores(handle.db, () => {
    wroteLiveEvents = true;
  });
  const transaction: Engine['transaction'] = async (work) => {
    const result = await inWriteBatch(handle.db, () => work(write));
    if (wroteLiveEvents) {
      wroteLiveEvents = false;
      liveListeners.committed();
    }
    return result;
  };
  return {
    kind: 'sqlite',
    read,
    transaction,
    readThenWrite: transaction,
    onLiveEvents: liveListeners.listen,
    refreshStatistics: async () => {},
    close: async () => handle.close(),
  };
}
