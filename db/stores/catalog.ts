/**
 * The catalog area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/catalog.ts, db/postgres/catalog.ts). Rows come back in the same shapes on both engines.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the catalog services move onto it
export interface CatalogStore {}
