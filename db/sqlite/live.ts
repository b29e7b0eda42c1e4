import type { LiveEventFilter, LiveEventRow, LiveEventStore, NewLiveEvent } from '../stores/live.js';
import type { Executor } from './client.js';
import { allRows } from './prepared.js';

/** A query with SQL NULL among its values. */
interface Query {
  text: string;
  params: (string | number | null)[];
}

const COLUMNS =
  'id, topic, kind, order_id AS orderId, user_id AS userId, product_id AS productId, ' +
  'variant_id AS variantId, data, created_at AS createdAt';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?)';

/** One INSERT for all the events (one cached statement per row count). */
function insertQuery(events: NewLiveEvent[], now: number): Query {
  const params: (string | number | null)[] = [];
  for (const e of events) {
    params.push(e.topic, e.kind, e.orderId ?? null, e.userId ?? null, e.productId ?? null);
    params.push(e.variantId ?? null, e.data, now);
  }
  const text =
    'INSERT INTO live_event (topic, kind, order_id, user_id, product_id, variant_id, data, created_at) ' +
    `VALUES ${Array(events.length).fill(ROW).join(', ')} RETURNING id`;
  return { text, params };
}

function betweenQuery(after: number, upTo: number, limit: number, filter?: LiveEventFilter): Query {
  const where = ['id > ?', 'id <= ?'];
  const params: (string | number)[] = [after, upTo];
  if (filter) {
    where.push('topic = ?');
    params.push(filter.topic);
    if (filter.orderId !== undefined) {
      where.push('order_id = ?');
      params.push(filter.orderId);
    }
    if (filter.productIds) {
      where.push(`product_id IN (${filter.productIds.map(() => '?').join(', ')})`);
      params.push(...filter.productIds);
    }
  }
  params.push(limit);
  return {
    text: `SELECT ${COLUMNS} FROM live_event WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`,
    params,
  };
}

/**
 * The live events' queries on SQLite (statements cached per shape on each connection).
 * `onAppend` is told when events were written (the engine wakes this process's bus at the commit).
 */
export function sqliteLive(db: Executor, onAppend?: () => void): LiveEventStore {
  return {
    async append(events, now) {
      if (events.length === 0) return;
      allRows<{ id: number }>(db, insertQuery(events, now));
      onAppend?.();
    },
    async between(after, upTo, limit, filter) {
      if (filter?.productIds?.length === 0) return [];
      return allRows<LiveEventRow>(db, betweenQuery(after, upTo, limit, filter));
    },
    async latestId() {
      const [row] = allRows<{ id: number | null }>(db, {
        text: 'SELECT max(id) AS id FROM live_event',
        params: [],
      });
      return row?.id ?? 0;
    },
    async deleteBefore(cutoff) {
      const rows = allRows<{ id: number }>(db, {
        text: 'DELETE FROM live_event WHERE created_at < ? RETURNING id',
        params: [cutoff],
      });
      return rows.length;
    },
  };
}
