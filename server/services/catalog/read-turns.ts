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

/** The refusal of a heavy read when MAX_WAITING already wait. */
const tooManyWaiting = () =>
  new AppError('SERVICE_UNAVAILABLE', 'TEMPORARILY_UNAVAILABLE', 'The shop is busy; try again shortly');

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
  if (queue.waiting >= MAX_WAITING) throw tooManyWaiting();
  const current = queue;
  current.waiting += 1;
  const result = current.tail.then(nextTurn).then(() => {
    current.waiting -= 1;
    return read();
  });
  current.tail = result.then(ignore, ignore);
  return result;
}

/** PostgreSQL: searches one process runs on the server at once; the others wait in line. */
export const POSTGRES_SEARCHES_IN_FLIGHT = 2;

interface Gate {
  inFlight: number;
  /** Reads waiting for a slot, first come first served. */
  waiting: (() => void)[];
}
const gates = new WeakMap<object, Gate>();

/**
 * Runs `read` once fewer than `limit` reads on `db` are in flight, in arrival order; refused
 * like inReadTurn when MAX_WAITING already wait. On PostgreSQL a search runs in a server process
 * of its own: ten worst-case searches at once are ten busy backends, and on a small machine they
 * starve everything else of CPU (the API processes included: /healthz under the search attack
 * answered in 1.6 s at p99). Holding each process to a few in flight leaves the rest of the
 * machine to the other requests.
 */
export async function inFlightLimit<T>(db: object, limit: number, read: () => Promise<T>): Promise<T> {
  let gate = gates.get(db);
  if (!gate) {
    gate = { inFlight: 0, waiting: [] };
    gates.set(db, gate);
  }
  if (gate.inFlight >= limit) {
    if (gate.waiting.length >= MAX_WAITING) throw tooManyWaiting();
    const open = gate;
    await new Promise<void>((resolve) => open.waiting.push(resolve));
  } else {
    gate.inFlight += 1;
  }
  try {
    return await read();
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = gate.waiting.shift();
    if (next) next();
    else gate.inFlight -= 1;
  }
}

/**
 * A heavy read (a list or a search: `search` says which) on the engine. On SQLite it takes its
 * turn as above. On PostgreSQL the query runs on the server and never holds the event loop; a
 * search (up to tens of milliseconds of the server's CPU) waits until fewer than
 * POSTGRES_SEARCHES_IN_FLIGHT run in this process, a plain list (a named statement, a fraction of a
 * millisecond) runs at once.
 */
export function heavyRead<T>(engine: Engine, read: () => Promise<T>, kind: { search: boolean }): Promise<T> {
  if (engine.kind === 'sqlite') return inReadTurn(engine.read, read).then((pending) => pending);
  return kind.search ? inFlightLimit(engine.read, POSTGRES_SEARCHES_IN_FLIGHT, read) : read();
}
