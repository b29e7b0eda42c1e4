import { and, asc, eq, gt, inArray, lt, lte, max, type SQL, sql } from 'drizzle-orm';
import type { LiveEventStore, NewLiveEvent } from '../stores/live.js';
import type { PgExecutor } from './client.js';
import { namedStatement } from './named-statement.js';
import { liveEvent } from './schema/index.js';

/** The channel every process LISTENs on; the payload is an event id, never data. */
export const LIVE_CHANNEL = 'backroom_events';

const columns = {
  id: liveEvent.id,
  topic: liveEvent.topic,
  kind: liveEvent.kind,
  orderId: liveEvent.orderId,
  userId: liveEvent.userId,
  productId: liveEvent.productId,
  variantId: liveEvent.variantId,
  data: liveEvent.data,
  createdAt: liveEvent.createdAt,
};

/**
 * The events, in their order (ids follow it), and the highest id: one named statement whatever
 * their number (every order appends its own and one per variant).
 */
const appendStatement = namedStatement<{ last: number }>(
  'live_append',
  sql`
    WITH inserted AS (
      INSERT INTO live_event (topic, kind, order_id, user_id, product_id, variant_id, data, created_at)
      SELECT e.topic, e.kind, e.order_id, e.user_id, e.product_id, e.variant_id, e.data, ${sql.placeholder('now')}::bigint
      FROM jsonb_to_recordset(${sql.placeholder('events')}::jsonb) AS e(topic text, kind text,
        order_id text, user_id text, product_id text, variant_id text, data text)
      RETURNING id)
    SELECT max(id) AS last FROM inserted`,
);

/** Events as the JSON the statements read with jsonb_to_recordset (here and in checkout.ts). */
export function liveEventsJson(events: NewLiveEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      topic: e.topic,
      kind: e.kind,
      order_id: e.orderId ?? null,
      user_id: e.userId ?? null,
      product_id: e.productId ?? null,
      variant_id: e.variantId ?? null,
      data: e.data,
    })),
  );
}

/**
 * The live events' queries on PostgreSQL. `appended` hears the highest id of each append, so the
 * engine can notify the listeners once the transaction has committed (see live-notifier.ts).
 */
export function postgresLive(db: PgExecutor, appended: (lastId: number) => void): LiveEventStore {
  return {
    async append(events, now) {
      if (events.length === 0) return;
      const result = await appendStatement(db, { events: liveEventsJson(events), now });
      appended(result.rows[0]?.last ?? 0);
    },
    async between(after, upTo, limit, filter) {
      const where: (SQL | undefined)[] = [gt(liveEvent.id, after), lte(liveEvent.id, upTo)];
      if (filter) {
        if (filter.productIds?.length === 0) return [];
        where.push(eq(liveEvent.topic, filter.topic));
        if (filter.orderId !== undefined) where.push(eq(liveEvent.orderId, filter.orderId));
        if (filter.productIds) where.push(inArray(liveEvent.productId, filter.productIds));
      }
      return db
        .select(columns)
        .from(liveEvent)
        .where(and(...where))
        .orderBy(asc(liveEvent.id))
        .limit(limit);
    },
    async latestId() {
      const [row] = await db.select({ id: max(liveEvent.id) }).from(liveEvent);
      return row?.id ?? 0;
    },
    async deleteBefore(cutoff) {
      const deleted = await db
        .delete(liveEvent)
        .where(lt(liveEvent.createdAt, cutoff))
        .returning({ id: liveEvent.id });
      return deleted.length;
    },
  };
}
