import { composedCheckout } from '../stores/checkout.js';
import type { Stores } from '../stores/index.js';
import { sqliteAccounts } from './accounts.js';
import { sqliteCart } from './cart.js';
import { sqliteCatalog } from './catalog.js';
import type { Executor } from './client.js';
import { sqliteIntegrations } from './integrations.js';
import { sqliteLive } from './live.js';
import { sqliteOrders } from './orders.js';

/**
 * Every area's store on one SQLite connection (built once per connection: they hold no state).
 * `onLiveAppend` is told when the live store wrote events (see db/sqlite/engine.ts).
 */
export function createSqliteStores(db: Executor, onLiveAppend?: () => void): Stores {
  const areas = {
    accounts: sqliteAccounts(db),
    catalog: sqliteCatalog(db),
    cart: sqliteCart(db),
    orders: sqliteOrders(db),
    integrations: sqliteIntegrations(db),
    live: sqliteLive(db, onLiveAppend),
  };
  return { ...areas, checkout: composedCheckout(areas) };
}
