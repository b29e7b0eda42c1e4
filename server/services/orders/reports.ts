import type { Stores } from '../../../db/stores/index.js';

const DAY = 86_400_000;

/**
 * Sales over paid, fulfilled and delivered orders placed between two UTC dates (inclusive),
 * computed in SQL: totals, a row per day with orders, and the ten best-selling products.
 */
export async function salesReport(s: Stores, input: { from: string; to: string }, currency: string) {
  const start = Date.parse(`${input.from}T00:00:00Z`);
  const end = Date.parse(`${input.to}T00:00:00Z`) + DAY;
  const { orders, revenue } = await s.orders.salesTotals(start, end);
  const byDay = await s.orders.salesByDay(start, end);
  const topProducts = await s.orders.topProducts(start, end, 10);
  return {
    currency,
    orders,
    revenue,
    averageOrderValue: orders > 0 ? Math.round(revenue / orders) : 0,
    byDay,
    topProducts,
  };
}
