import type { CartStore } from '../stores/cart.js';
import type { PgExecutor } from './client.js';

/** The cart area's queries on PostgreSQL. */
export function postgresCart(_db: PgExecutor): CartStore {
  return {};
}
