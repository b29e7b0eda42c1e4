import type { AccountStore } from '../stores/accounts.js';
import type { PgExecutor } from './client.js';

/** The accounts area's queries on PostgreSQL. */
export function postgresAccounts(_db: PgExecutor): AccountStore {
  return {};
}
