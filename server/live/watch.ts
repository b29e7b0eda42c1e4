import { type TrackedEnvelope, tracked } from '@trpc/server';
import type { Engine } from '../../db/engine.js';
import type { LiveEventFilter } from '../../db/stores/live.js';
import type { LiveHub } from './hub.js';
import { type LiveEvent, toLiveEvent } from './live-event.js';

/** Who holds the subscription: its session (signed in), else its client address. */
export interface Holder {
  sessionId: string | null;
  clientIp: string;
}

export interface Feed<T> {
  /** The event rows a backfill reads (their topic, order or products). */
  filter: LiveEventFilter;
  /** Whether a live event belongs to this feed (the bus hands every event to every feed). */
  matches(event: LiveEvent): boolean;
  /** What the client receives for the event, or null to say nothing. */
  render(event: LiveEvent): Promise<T | null>;
  /** Without lastEventId: what the client receives first (tracked with the horizon's id). */
  initial?: () => Promise<T>;
}

export interface WatchOptions {
  hub: LiveHub;
  engine: Engine;
  holder: Holder;
  /** The id of the last event the client received (a reconnect), or undefined. */
  lastEventId: string | undefined;
  signal: AbortSignal | undefined;
}

const BACKFILL_BATCH = 200;
/** A client this far behind is dropped (it reconnects with its lastEventId and backfills). */
const MAX_QUEUED = 5_000;

/**
 * A subscription's events as `tracked(id, data)`: registered with the bus first, then the backfill
 * of `lastEventId < id <= horizon` from the table, then live events above the horizon, in id order
 * with each id once. Ends when the client goes (the signal), when its session signs out (a
 * `session.ended` event from any process), or when it falls too far behind. The slot taken in the
 * limits and the bus listener are given back however it ends.
 */
export async function* watch<T>(options: WatchOptions, feed: Feed<T>): AsyncGenerator<TrackedEnvelope<T>> {
  const { hub, engine, holder, signal } = options;
  const release = hub.limits.acquire(
    holder.sessionId ? `session:${holder.sessionId}` : `ip:${holder.clientIp}`,
  );
  const queue: LiveEvent[] = [];
  let ended = false;
  let notify: (() => void) | null = null;
  const wake = () => {
    const resolve = notify;
    notify = null;
    resolve?.();
  };
  signal?.addEventListener('abort', wake);
  let subscription: { horizon: number; close(): void } | null = null;
  try {
    subscription = await hub.bus.subscribe((event) => {
      if (event.topic === 'session') {
        if (holder.sessionId !== null && event.payload.sessionId === holder.sessionId) ended = true;
      } else if (feed.matches(event)) {
        if (queue.length >= MAX_QUEUED) ended = true;
        else queue.push(event);
      } else return;
      wake();
    });
    const { horizon } = subscription;
    // Events at or below `last` the client has (a reconnect to a process that is behind another).
    const seen = options.lastEventId === undefined ? horizon : Math.max(horizon, Number(options.lastEventId));
    let last = seen;
    if (options.lastEventId === undefined) {
      if (feed.initial) yield tracked(String(horizon), await feed.initial());
    } else {
      let after = Math.min(Number(options.lastEventId), horizon);
      for (;;) {
        const rows = await engine.read.live.between(after, horizon, BACKFILL_BATCH, feed.filter);
        for (const row of rows) {
          const data = await feed.render(toLiveEvent(row));
          if (data !== null) yield tracked(String(row.id), data);
          if (signal?.aborted || ended) return;
        }
        const lastRow = rows.at(-1);
        if (!lastRow || rows.length < BACKFILL_BATCH) break;
        after = lastRow.id;
      }
    }
    while (!signal?.aborted && !ended) {
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
        continue;
      }
      if (event.id <= last) continue;
      last = event.id;
      const data = await feed.render(event);
      if (data !== null) yield tracked(String(event.id), data);
    }
  } finally {
    signal?.removeEventListener('abort', wake);
    subscription?.close();
    release();
  }
}
