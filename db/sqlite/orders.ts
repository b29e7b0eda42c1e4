import type { OrderStore } from '../stores/orders.js';
import type { Executor } from './client.js';

/** The orders area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteOrders(_db: Executor): OrderStore {
  return {};
}
