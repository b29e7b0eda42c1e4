import { setTimeout as sleep } from 'node:timers/promises';
import { type PgDb, sqlState } from './client.js';

export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/** serialization_failure and deadlock_detected: the transaction did nothing and may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export interface TransactionOptions {
  /** Runs in all, first included (default 5). */
  attempts?: number;
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
  /** Told about each retry (for logs and metrics). */
  onRetry?: (sqlState: string, attempt: number) => void;
}

/**
 * Runs `work` in one PostgreSQL transaction (READ COMMITTED unless told otherwise) and runs it again
 * when PostgreSQL aborted it for a serialization failure or a deadlock (SQLSTATE 40001, 40P01, read
 * from the error or its cause), after a short random pause; any other error is thrown at once.
 * NOTE: `work` may run more than once, so it must not have effects outside the transaction.
 */
export function runTransaction<T>(
  db: PgDb,
  work: (tx: PgTx) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const isolationLevel = options.isolationLevel ?? 'read committed';
  return withRetries(() => db.transaction(work, { isolationLevel }), options);
}

/**
 * Runs `work` and runs it again, as runTransaction does, when PostgreSQL aborted it for a
 * serialization failure or a deadlock: for work whose one write is a statement of its own.
 */
export async function withRetries<T>(
  work: () => Promise<T>,
  options: Pick<TransactionOptions, 'attempts' | 'onRetry'> = {},
): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = sqlState(error);
      if (code === undefined || !RETRYABLE.has(code) || attempt >= attempts) throw error;
      options.onRetry?.(code, attempt);
      // Jittered exponential pause, so the transactions that collided do not collide again.
      await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
    }
  }
}
