import type { Stores } from '../stores/index.js';
import { postgresAccounts } from './accounts.js';
import { postgresCart } from './cart.js';
import { postgresCatalog } from './catalog.js';
import { postgresCheckout } from './checkout.js';
import type { PgExecutor } from './client.js';
import { postgresIntegrations } from './integrations.js';
import { postgresLive } from './live.js';
import { postgresOrders } from './orders.js';

/**
 * Every area's store on the pool or on one transaction. `liveAppended` hears the highest id of each
 * live-event append (the engine notifies the listeners once it has committed); by default nothing.
 */
export function createPostgresStores(
  db: PgExecutor,
  liveAppended: (lastId: number) => void = () => {},
): Stores {
  const orders = postgresOrders(db);
  return {
    accounts: postgresAccounts(db),
    catalog: postgresCatalog(db),
    cart: postgresCart(db),
    orders,
    integrations: postgresIntegrations(db),
    live: postgresLive(db, liveAppended),
    checkout: postgresCheckout(db, orders, liveAppended),
  };
}
