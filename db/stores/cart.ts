/**
 * The cart area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/cart.ts, db/postgres/cart.ts). Rows come back in the same shapes on both engines.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the cart services move onto it
export interface CartStore {}
