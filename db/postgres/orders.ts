import type { OrderStore } from '../stores/orders.js';
import type { PgExecutor } from './client.js';

/** The orders area's queries on PostgreSQL. */
export function postgresOrders(_db: PgExecutor): OrderStore {
  return {};
}
