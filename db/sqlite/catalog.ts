import type { CatalogStore } from '../stores/catalog.js';
import type { Executor } from './client.js';

/** The catalog area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteCatalog(_db: Executor): CatalogStore {
  return {};
}
