import type { IntegrationStore } from '../stores/integrations.js';
import type { PgExecutor } from './client.js';

/** The integrations area's queries on PostgreSQL. */
export function postgresIntegrations(_db: PgExecutor): IntegrationStore {
  return {};
}
