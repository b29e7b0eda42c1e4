import { and, asc, eq, gt, inArray, lt, lte, max, type SQL, sql } from 'drizzle-orm';
import type { LiveEventStore } from '../stores/live.js';
import type { PgExecutor } from './client.js';
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
 * The live events' queries on PostgreSQL. `appended` hears the highest id of each append, so the
 * engine can notify the listeners once the transaction has committed (see live-notifier.ts).
 */
export function postgresLive(db: PgExecutor, appended: (lastId: number) => void): LiveEventStore {
  return {
    async append(events, now) {
      if (events.length === 0) return;
      const values = sql.join(
        events.map(
          (e) =>
            sql`(${e.topic}, ${e.kind}, ${e.orderId ?? null}, ${e.userId ?? null}, ${e.productId ?? null}, ${e.variantId ?? null}, ${e.data}, ${now}::bigint)`,
        ),
        sql`, `,
      );
      const result = await db.execute<{ last: number }>(sql`
        WITH inserted AS (
          INSERT INTO live_event (topic, kind, order_id, user_id, product_id, variant_id, data, created_at)
          VALUES ${values} RETURNING id)
        SELECT max(id) AS last FROM inserted`);
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
