/**
 * Heavy reads take turns. better-sqlite3 runs a query on the event loop, so twenty searches started
 * together (one tRPC batch runs its calls concurrently) would hold the loop for all twenty, and
 * every other request (/healthz, a product page, a payment webhook) would wait for the lot.
 * Here each heavy read waits for the ones queued before it and then runs in a later turn of the
 * event loop (a `setImmediate` scheduled after the previous one finished), so between any two of
 * them Node polls its sockets and answers what arrived. One read then holds the loop for at most
 * what a single bounded search costs (see SEARCH_CANDIDATES).
 * Failure rule: a read that throws rejects its own call only; the queue moves on. When more than
 * MAX_WAITING reads wait, new ones are refused at once (SERVICE_UNAVAILABLE
 * TEMPORARILY_UNAVAILABLE) rather than holding memory and answering minutes later.
 */
import type { Engine } from '../../../db/engine.js';
import { AppError } from '../../errors.js';

/** The most heavy reads that may wait for their turn on one database; more are refused. */
export const MAX_WAITING = 256;

interface Queue {
  /** Settles when the last queued read has run. */
  tail: Promise<void>;
  waiting: number;
}

const queues = new WeakMap<object, Queue>();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ignore = () => {};

/** Runs `read` in its own turn of the event loop, after the heavy reads queued before it on `db`. */
export function inReadTurn<T>(db: object, read: () => T): Promise<T> {
  let queue = queues.get(db);
  if (!queue) {
    queue = { tail: Promise.resolve(), waiting: 0 };
    queues.set(db, queue);
  }
  if (queue.waiting >= MAX_WAITING) {
    throw new AppError(
      'SERVICE_UNAVAILABLE',
      'TEMPORARILY_UNAVAILABLE',
      'The shop is busy; try again shortly',
    );
  }
  const current = queue;
  current.waiting += 1;
  const result = current.tail.then(nextTurn).then(() => {
    current.waiting -= 1;
    return read();
  });
  current.tail = result.then(ignore, ignore);
  return result;
}

/**
 * A heavy read (a list or a search) on the engine. On SQLite it takes its turn as above; on
 * PostgreSQL the query runs on the server and never holds the event loop, so it runs at once.
 */
export function heavyRead<T>(engine: Engine, read: () => Promise<T>): Promise<T> {
  if (engine.kind !== 'sqlite') return read();
  return inReadTurn(engine.read, read).then((pending) => pending);
}
