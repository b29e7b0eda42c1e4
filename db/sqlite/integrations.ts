import type { IntegrationStore } from '../stores/integrations.js';
import type { Executor } from './client.js';

/** The integrations area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteIntegrations(_db: Executor): IntegrationStore {
  return {};
}
