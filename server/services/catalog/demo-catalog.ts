/**
 * The demo store on the engine: the catalogue through the catalog store, the shipping options, tax
 * rate and discount through the cart store, all in one transaction.
 */
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import { newDiscount } from '../cart/discounts.js';
import { newShippingOption } from '../cart/shipping.js';
import { createCategoryIn, createProductIn } from './catalog-writes.js';
import { DEMO_CATALOG, DESCRIPTION_TAILS, type DemoProduct } from './demo-store-data.js';

export const HOUR = 60 * 60 * 1000;

function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function skuFor(productSlug: string, variantName: string, index: number): string {
  const initials = productSlug
    .split('-')
    .map((w) => w[0])
    .join('')
    .toUpperCase();
  const code = slugify(variantName).replaceAll('-', '').slice(0, 6).toUpperCase() || 'STD';
  return `${initials}-${code}-${index + 1}`;
}

/** The admin API input of the demo product number `tick` (stock deterministic, a few sold out). */
export function demoProductInput(item: DemoProduct, tick: number, categoryId: string) {
  const slug = slugify(item.name);
  return {
    slug,
    name: item.name,
    description: `${item.blurb} ${DESCRIPTION_TAILS[tick % DESCRIPTION_TAILS.length]}`,
    categoryId,
    images: [`https://picsum.photos/seed/${slug}/800/800`, `https://picsum.photos/seed/${slug}-2/800/800`],
    status: 'active' as const,
    variants: item.variants.map((name, i) => ({
      sku: skuFor(slug, name, i),
      name,
      price: item.price + i * (item.step ?? 0),
      ...(item.compareAt !== undefined && { compareAtPrice: item.compareAt + i * (item.step ?? 0) }),
      stock: (tick * 7 + i * 13) % 11 === 0 ? 0 : ((tick * 31 + i * 17) % 40) + 3,
      weightGrams: 200 + ((tick * 97) % 1800),
    })),
  };
}

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
 */
export function seedDemoStore(engine: Engine, now: number) {
  return engine.transaction(async (tx) => {
    const seeded = await seedDemoCatalog(tx, now);
    const options = [
      {
        name: 'Standard',
        countries: ['US', 'CA'],
        price: 599,
        freeOverSubtotal: 7500,
        minDays: 3,
        maxDays: 7,
      },
      { name: 'Express', countries: ['US'], price: 1999, minDays: 1, maxDays: 2 },
      { name: 'International', countries: [], price: 2499, minDays: 7, maxDays: 21 },
    ];
    for (const option of options) await tx.cart.insertShippingOption(newShippingOption(option), now);
    await tx.cart.setTaxRate({ country: 'US', rateBps: 800 }, now);
    await tx.cart.insertDiscount(
      newDiscount({ code: 'WELCOME10', kind: 'percent', value: 10, oncePerCustomer: true }, now),
    );
    return seeded;
  });
}
