import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Live events: one row per committed change a subscription reports (order moves, stock levels,
 * sign-outs), written in the transaction of the change, read by every process in id order and
 * pruned after 24 hours (server/live). `data` is small JSON fixed at write time.
 */
export const liveEvent = sqliteTable(
  'live_event',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    topic: text('topic', { enum: ['order', 'stock', 'session'] }).notNull(),
    kind: text('kind').notNull(),
    orderId: text('order_id'),
    userId: text('user_id'),
    productId: text('product_id'),
    variantId: text('variant_id'),
    /** JSON: what the event says (a status, a stock level, a session id). */
    data: text('data').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('live_event_created_idx').on(t.createdAt)],
);
