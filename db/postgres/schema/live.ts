import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import { epochMs } from './columns.js';

/**
 * Live events: one row per committed change a subscription reports (order moves, stock levels,
 * sign-outs), written in the transaction of the change (its id is notified once that commits), read by every
 * process in id order and pruned after 24 hours (server/live). `data` is small JSON fixed at write time.
 */
export const liveEvent = pgTable(
  'live_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic', { enum: ['order', 'stock', 'session'] }).notNull(),
    kind: text('kind').notNull(),
    orderId: text('order_id'),
    userId: text('user_id'),
    productId: text('product_id'),
    variantId: text('variant_id'),
    /** JSON: what the event says (a status, a stock level, a session id). */
    data: text('data').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('live_event_created_idx').on(t.createdAt)],
);
