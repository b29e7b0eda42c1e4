import type { AccountStore } from '../stores/accounts.js';
import type { Executor } from './client.js';

/** The accounts area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteAccounts(_db: Executor): AccountStore {
  return {};
}
