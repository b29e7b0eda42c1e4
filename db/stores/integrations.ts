/**
 * The integrations area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/integrations.ts, db/postgres/integrations.ts). Rows come back in the same shapes on both engines.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the integrations services move onto it
export interface IntegrationStore {}
