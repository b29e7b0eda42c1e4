import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';

export type ExclusiveRun<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs `work` in one transaction holding the lock of the singleton job `job`, so that of the
 * processes sharing the database at most one runs it at a time; the others skip this turn
 * (`{ ran: false }`) rather than wait. The lock goes with the transaction (commit, rollback or a
 * dead connection), so a process that dies mid-job never leaves it held. Like any transaction's
 * work, `work` awaits its stores and nothing else, and may run twice on PostgreSQL.
 */
export function runExclusive<T>(
  engine: Engine,
  job: string,
  work: (tx: Stores) => Promise<T>,
): Promise<ExclusiveRun<T>> {
  return engine.transaction(async (tx): Promise<ExclusiveRun<T>> => {
    if (!(await tx.integrations.holdJobLock(job))) return { ran: false };
    return { ran: true, result: await work(tx) };
  });
}
