import type { Logger } from 'pino';
import type { Engine } from '../../db/engine.js';
import { logBackgroundFailure } from '../errors.js';
import { type LiveEvent, toLiveEvent } from './live-event.js';

/**
 * The live-event bus of one process. Subscribers register a listener; the bus learns that new
 * events may exist (a wake: a PostgreSQL notification, an SQLite poll tick), reads the rows with
 * `id > horizon` in id order and hands each to every listener, synchronously, advancing `horizon`.
 * A subscriber that registers gets the current horizon: every event above it reaches its listener,
 * every event at or below it is in the table for its backfill (`between(lastEventId, horizon)`),
 * so nothing falls between the two and nothing comes twice.
 *
 * NOTE: on PostgreSQL ids are taken at insert time, so id 11 may commit before id 10. The bus never
 * passes a gap: it waits for the missing id (up to GAP_WAIT_MS) before delivering what follows. A gap
 * that outlives that wait is an id whose transaction rolled back (sequences do not roll back) and is
 * skipped. A transaction that commits its events later than that is delivered live no more (it is in
 * the table: a backfill from an earlier id still reads it). On SQLite ids follow commit order.
 */

/** What wakes the bus: started with the first subscriber, stopped with the last (or at close). */
export interface WakeSource {
  /** Resolves once wakes flow (PostgreSQL: LISTEN is in place). */
  start(wake: () => void): Promise<void>;
  stop(): Promise<void>;
}

export type LiveListener = (event: LiveEvent) => void;

export interface BusSubscription {
  /** The highest event id the listener will not be handed (read those with a backfill). */
  horizon: number;
  close(): void;
}

const READ_BATCH = 500;
const GAP_WAIT_MS = 1_000;
const GAP_RECHECK_MS = 25;

export class LiveBus {
  private readonly listeners = new Set<LiveListener>();
  private horizon = 0;
  private running: Promise<void> | null = null;
  /** The last stop of the wake source; a start waits for it (no LISTEN closed under a new start). */
  private stopping: Promise<void> = Promise.resolve();
  private reading = false;
  private readAgain = false;
  private gap: { id: number; since: number } | null = null;
  private gapTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly source: WakeSource,
    private readonly logger: Logger,
  ) {}

  /** How many listeners are registered (the tests prove with it that nothing leaks). */
  get size(): number {
    return this.listeners.size;
  }

  /** Registers a listener once the wake source runs; the horizon says where its backfill ends. */
  async subscribe(listener: LiveListener): Promise<BusSubscription> {
    if (this.closed) throw new Error('the live bus is closed');
    await this.start();
    this.listeners.add(listener);
    return {
      horizon: this.horizon,
      close: () => {
        if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
        void this.stop();
      },
    };
  }

  /** New events may exist: read them (a read under way reads again when it ends). */
  wake = (): void => {
    if (this.closed || this.listeners.size === 0) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readAll().finally(() => {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.wake();
      }
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stop();
  }

  private start(): Promise<void> {
    this.running ??= (async () => {
      await this.stopping;
      // The source first: an event committed after the horizon is read then wakes the bus.
      await this.source.start(this.wake);
      this.horizon = Math.max(this.horizon, await this.engine.read.live.latestId());
    })().catch((error: unknown) => {
      this.running = null;
      throw error;
    });
    return this.running;
  }

  private stop(): Promise<void> {
    const running = this.running;
    if (!running) return this.stopping;
    this.running = null;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.gap = null;
    this.stopping = running.catch(() => {}).then(() => this.source.stop());
    return this.stopping;
  }

  private async readAll(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.engine.read.live.between(this.horizon, Number.MAX_SAFE_INTEGER, READ_BATCH);
        const delivered = this.deliver(rows.map(toLiveEvent));
        if (!delivered || rows.length < READ_BATCH || this.listeners.size === 0) return;
      }
    } catch (error) {
      if (!this.closed) logBackgroundFailure(this.logger, {}, 'live events could not be read', error);
    }
  }

  /** Hands out rows in id order up to the first gap still waited for; false when it stopped there. */
  private deliver(events: LiveEvent[]): boolean {
    for (const event of events) {
      if (event.id <= this.horizon) continue;
      if (event.id !== this.horizon + 1 && !this.gapExpired(this.horizon + 1)) return false;
      this.gap = null;
      this.horizon = event.id;
      for (const listener of this.listeners) listener(event);
    }
    return true;
  }

  private gapExpired(missing: number): boolean {
    const now = Date.now();
    if (this.gap?.id !== missing) this.gap = { id: missing, since: now };
    if (now - this.gap.since >= GAP_WAIT_MS) {
      this.logger.warn({ missingEventId: missing }, 'live event id skipped (rolled back or late)');
      return true;
    }
    this.gapTimer ??= setTimeout(() => {
      this.gapTimer = null;
      this.wake();
    }, GAP_RECHECK_MS);
    this.gapTimer.unref();
    return false;
  }
}

/** SQLite: every process polls the file while it has subscribers (one indexed read per tick). */
export function pollingWake(everyMs: number): WakeSource {
  let timer: NodeJS.Timeout | null = null;
  return {
    async start(wake) {
      if (timer) return;
      timer = setInterval(wake, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
