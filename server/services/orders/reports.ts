import { sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';

const DAY = 86_400_000;
const SOLD = sql`('paid', 'fulfilled', 'delivered')`;

/**
 * Sales over paid, fulfilled and delivered orders placed between two UTC dates (inclusive),
 * computed in SQL: totals, a row per day with orders, and the ten best-selling products.
 */
export function salesReport(db: Executor, input: { from: string; to: string }, currency: string) {
  const start = Date.parse(`${input.from}T00:00:00Z`);
  const end = Date.parse(`${input.to}T00:00:00Z`) + DAY;
  const totals = db.get<{ orders: number; revenue: number }>(sql`
    SELECT count(*) AS orders, coalesce(sum(total), 0) AS revenue
    FROM customer_order
    WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD}`);
  const byDay = db.all<{ date: string; orders: number; revenue: number }>(sql`
    SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS date, count(*) AS orders, sum(total) AS revenue
    FROM customer_order
    WHERE created_at >= ${start} AND created_at < ${end} AND status IN ${SOLD}
    GROUP BY date ORDER BY date`);
  const topProducts = db.all<{ productId: string; name: string; quantity: number; revenue: number }>(sql`
    SELECT l.product_id AS productId, p.name AS name, sum(l.quantity) AS quantity, sum(l.line_total) AS revenue
    FROM customer_order o
    JOIN order_line l ON l.order_id = o.id
    JOIN product p ON p.id = l.product_id
    WHERE o.created_at >= ${start} AND o.created_at < ${end} AND o.status IN ${SOLD}
    GROUP BY l.product_id ORDER BY revenue DESC, quantity DESC, l.product_id LIMIT 10`);
  const orders = totals?.orders ?? 0;
  const revenue = totals?.revenue ?? 0;
  return {
    currency,
    orders,
    revenue,
    averageOrderValue: orders > 0 ? Math.round(revenue / orders) : 0,
    byDay,
    topProducts,
  };
}
