/**
 * The orders area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/orders.ts, db/postgres/orders.ts). Rows come back in the same shapes on both engines.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the orders services move onto it
export interface OrderStore {}
