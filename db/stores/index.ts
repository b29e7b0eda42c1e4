import type { AccountStore } from './accounts.js';
import type { CartStore } from './cart.js';
import type { CatalogStore } from './catalog.js';
import type { CheckoutStore } from './checkout.js';
import type { IntegrationStore } from './integrations.js';
import type { LiveEventStore } from './live.js';
import type { OrderStore } from './orders.js';

export type {
  AccountStore,
  CartStore,
  CatalogStore,
  CheckoutStore,
  IntegrationStore,
  LiveEventStore,
  OrderStore,
};

/**
 * Every area's data access on one connection or transaction. Business logic takes `Stores` and
 * never sees the engine: the same code runs on SQLite and on PostgreSQL.
 */
export interface Stores {
  accounts: AccountStore;
  catalog: CatalogStore;
  cart: CartStore;
  orders: OrderStore;
  integrations: IntegrationStore;
  live: LiveEventStore;
  checkout: CheckoutStore;
}
