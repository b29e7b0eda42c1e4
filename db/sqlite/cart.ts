import type { CartStore } from '../stores/cart.js';
import type { Executor } from './client.js';

/** The cart area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteCart(_db: Executor): CartStore {
  return {};
}
