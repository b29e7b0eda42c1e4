import type { CatalogStore } from '../stores/catalog.js';
import type { PgExecutor } from './client.js';

/** The catalog area's queries on PostgreSQL. */
export function postgresCatalog(_db: PgExecutor): CatalogStore {
  return {};
}
