import type { Logger } from 'pino';
import type { Engine } from '../../db/engine.js';
import type { Config } from '../config.js';
import type { OpenDatabase } from '../database.js';
import { AppError } from '../errors.js';
import { LiveBus, pollingWake, type WakeSource } from './bus.js';

/** PostgreSQL: a safety read this often while subscribed, should a notification go missing. */
const POSTGRES_SAFETY_POLL_MS = 1_000;

/**
 * PostgreSQL: this process's own commits wake the bus at once; LISTEN on a dedicated connection
 * brings every other process's (see db/postgres/live-listener.ts), and a slow poll backs it up.
 */
function postgresWake(engine: Engine, url: string, logger: Logger): WakeSource {
  let listener: { close(): Promise<void> } | null = null;
  let stopListening: (() => void) | null = null;
  const poll = pollingWake(POSTGRES_SAFETY_POLL_MS);
  return {
    async start(wake) {
      stopListening ??= engine.onLiveEvents(wake);
      const { listenForLiveEvents } = await import('../../db/postgres/live-listener.js');
      listener ??= await listenForLiveEvents({
        url,
        onWake: wake,
        onLost: (message) => logger.warn(message),
      });
      await poll.start(wake);
    },
    async stop() {
      stopListening?.();
      stopListening = null;
      await poll.stop();
      const open = listener;
      listener = null;
      await open?.close();
    },
  };
}

/**
 * SQLite: this process's own commits wake the bus at once; the poll brings the events of the other
 * processes on the file (WORKERS, or separate processes).
 */
function sqliteWake(engine: Engine, pollMs: number): WakeSource {
  const poll = pollingWake(pollMs);
  let stopListening: (() => void) | null = null;
  return {
    async start(wake) {
      stopListening ??= engine.onLiveEvents(wake);
      await poll.start(wake);
    },
    async stop() {
      stopListening?.();
      stopListening = null;
      await poll.stop();
    },
  };
}

/** Open subscriptions per session (or client address) in this process. */
export class SubscriptionLimits {
  private readonly open = new Map<string, number>();
  constructor(private readonly perKey: number) {}

  /** Takes a slot for the key, or throws TOO_MANY_REQUESTS RATE_LIMITED; `release` gives it back once. */
  acquire(key: string): () => void {
    const count = this.open.get(key) ?? 0;
    if (count >= this.perKey) {
      throw new AppError('TOO_MANY_REQUESTS', 'RATE_LIMITED', `At most ${this.perKey} open subscriptions`);
    }
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** How many keys hold slots (the tests prove with it that nothing leaks). */
  get keys(): number {
    return this.open.size;
  }
}

/** The live updates of one process: the bus, the limits, and the feeds' shared reads. */
export interface LiveHub {
  bus: LiveBus;
  limits: SubscriptionLimits;
  close(): Promise<void>;
}

/** The hub for the open database: LISTEN/NOTIFY on PostgreSQL, polling the file on SQLite. */
export function createLiveHub(database: OpenDatabase, config: Config, logger: Logger): LiveHub {
  const source =
    database.kind === 'postgres' && config.DATABASE_URL
      ? postgresWake(database.engine, config.DATABASE_URL, logger)
      : sqliteWake(database.engine, config.LIVE_POLL_MS);
  const bus = new LiveBus(database.engine, source, logger);
  return { bus, limits: new SubscriptionLimits(config.SUBSCRIPTIONS_PER_SESSION), close: () => bus.close() };
}
