/**
 * The live events' data access (db/sqlite/live.ts, db/postgres/live.ts): the rows subscriptions
 * are fed from. Ids grow with every event; on SQLite they are assigned in commit order, on
 * PostgreSQL at insert time (a reader may see a later id commit before an earlier one: the bus
 * holds back behind such a gap, see server/live/bus.ts).
 */

export type LiveTopic = 'order' | 'stock' | 'session';

/** An event to write: its topic and kind, the ids it is about, and its small JSON data. */
export interface NewLiveEvent {
  topic: LiveTopic;
  kind: string;
  orderId?: string | null;
  userId?: string | null;
  productId?: string | null;
  variantId?: string | null;
  /** JSON text. */
  data: string;
}

export interface LiveEventRow {
  id: number;
  topic: LiveTopic;
  kind: string;
  orderId: string | null;
  userId: string | null;
  productId: string | null;
  variantId: string | null;
  data: string;
  createdAt: number;
}

/** A variant's stock as a change left it. */
export interface StockLevel {
  productId: string;
  variantId: string;
  available: number;
}

/**
 * A variant's `stock.changed` event: its stock after the change. Built here, beside the rows,
 * because PostgreSQL's placeOrder statement writes the same rows in SQL (db/postgres/checkout.ts);
 * server/services/live/live-events.ts builds every other event.
 */
export function stockChangedEvent(level: StockLevel): NewLiveEvent {
  return {
    topic: 'stock',
    kind: 'stock.changed',
    productId: level.productId,
    variantId: level.variantId,
    data: JSON.stringify({ available: level.available }),
  };
}

/** Which events a backfill reads: one topic, and optionally one order or some products. */
export interface LiveEventFilter {
  topic: LiveTopic;
  orderId?: string;
  productIds?: string[];
}

export interface LiveEventStore {
  /**
   * Writes the events in one statement, in the caller's transaction. On PostgreSQL the engine
   * then notifies channel `backroom_events` with the last id, once that transaction committed.
   */
  append(events: NewLiveEvent[], now: number): Promise<void>;
  /** Events with `after < id <= upTo`, in id order, at most `limit`. */
  between(after: number, upTo: number, limit: number, filter?: LiveEventFilter): Promise<LiveEventRow[]>;
  /** The highest id written so far (0 when none). */
  latestId(): Promise<number>;
  /** Deletes events created before the cutoff; returns how many. */
  deleteBefore(cutoff: number): Promise<number>;
}
