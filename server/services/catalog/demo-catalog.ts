/**
 * The demo store on the engine (async). The catalogue goes through the catalog store on either
 * engine; the shipping options, tax rate and discount are the cart area's, still written with its
 * legacy synchronous functions on the SQLite connection (see seedDemoStoreOn).
 */
import type { Engine } from '../../../db/engine.js';
import type { Executor } from '../../../db/sqlite/client.js';
import type { Stores } from '../../../db/stores/index.js';
import { createDiscount } from '../cart/discounts.js';
import { createShippingOption, setTaxRate } from '../cart/shipping.js';
import { createCategoryIn, createProductIn } from './catalog-writes.js';
import { demoProductInput, HOUR } from './demo-store.js';
import { DEMO_CATALOG } from './demo-store-data.js';

/** True when the catalogue has no category and no product yet. */
export async function catalogIsEmpty(s: Stores): Promise<boolean> {
  const size = await s.catalog.catalogSize();
  return size.categories === 0 && size.products === 0;
}

/**
 * The demo catalogue (categories, products, variants, stock with its ledger rows) inside the
 * caller's transaction, through the same rules as the admin API. Engine-neutral.
 */
export async function seedDemoCatalog(
  tx: Stores,
  now: number,
): Promise<{ categories: number; products: number }> {
  let products = 0;
  let categories = 0;
  let tick = 0;
  for (const parent of DEMO_CATALOG) {
    const topId = await createCategoryIn(tx, { slug: parent.slug, name: parent.name }, now);
    categories += 1;
    for (const child of parent.children) {
      const subId = await createCategoryIn(tx, { slug: child.slug, name: child.name, parentId: topId }, now);
      categories += 1;
      for (const item of child.products) {
        tick += 1;
        await createProductIn(tx, demoProductInput(item, tick, subId), null, now - (60 - tick) * HOUR);
        products += 1;
      }
    }
  }
  return { categories, products };
}

/**
 * The whole demo store in one transaction: the catalogue, then three shipping options, an 8% US
 * tax rate and the code WELCOME10 (10% off, once per customer).
 * NOTE (legacy): those last five are written with the cart area's synchronous functions on
 * `legacyDb`, the SQLite write connection (inside this unit's SAVEPOINT on SQLite).
 */
export function seedDemoStoreOn(engine: Engine, legacyDb: Executor, now: number) {
  return engine.transaction(async (tx) => {
    const seeded = await seedDemoCatalog(tx, now);
    createShippingOption(
      legacyDb,
      {
        name: 'Standard',
        countries: ['US', 'CA'],
        price: 599,
        freeOverSubtotal: 7500,
        minDays: 3,
        maxDays: 7,
      },
      now,
    );
    createShippingOption(
      legacyDb,
      { name: 'Express', countries: ['US'], price: 1999, minDays: 1, maxDays: 2 },
      now,
    );
    createShippingOption(
      legacyDb,
      { name: 'International', countries: [], price: 2499, minDays: 7, maxDays: 21 },
      now,
    );
    setTaxRate(legacyDb, { country: 'US', rateBps: 800 }, now);
    createDiscount(legacyDb, { code: 'WELCOME10', kind: 'percent', value: 10, oncePerCustomer: true }, now);
    return seeded;
  });
}
