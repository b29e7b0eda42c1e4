/**
 * The accounts area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/accounts.ts, db/postgres/accounts.ts). Rows come back in the same shapes on both engines.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the accounts services move onto it
export interface AccountStore {}
