import { count } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { category, product } from '../../../db/sqlite/schema/index.js';
import { createDiscount } from '../cart/discounts.js';
import { createShippingOption, setTaxRate } from '../cart/shipping.js';
import { createCategory, createProduct } from './catalog-admin.js';
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
export function catalogIsEmpty(db: Executor): boolean {
  const categories = db.select({ n: count() }).from(category).get()?.n ?? 0;
  const products = db.select({ n: count() }).from(product).get()?.n ?? 0;
  return categories === 0 && products === 0;
}

/**
 * Creates the demo store through the same services the admin API uses, so every product has its
 * ledger rows and search entry: the catalogue (stock is deterministic, a few variants sold out),
 * three shipping options, an 8% US tax rate and the code WELCOME10 (10% off, once per customer).
 */
export function seedDemoStore(db: Executor, now: number): { categories: number; products: number } {
  let products = 0;
  let categories = 0;
  let tick = 0;
  db.transaction((tx) => {
    for (const parent of DEMO_CATALOG) {
      const top = createCategory(tx, { slug: parent.slug, name: parent.name }, now);
      categories += 1;
      for (const child of parent.children) {
        const sub = createCategory(tx, { slug: child.slug, name: child.name, parentId: top.id }, now);
        categories += 1;
        for (const item of child.products) {
          tick += 1;
          createProduct(tx, demoProductInput(item, tick, sub.id), null, now - (60 - tick) * HOUR);
          products += 1;
        }
      }
    }
    createShippingOption(
      tx,
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
      tx,
      { name: 'Express', countries: ['US'], price: 1999, minDays: 1, maxDays: 2 },
      now,
    );
    createShippingOption(
      tx,
      { name: 'International', countries: [], price: 2499, minDays: 7, maxDays: 21 },
      now,
    );
    setTaxRate(tx, { country: 'US', rateBps: 800 }, now);
    createDiscount(tx, { code: 'WELCOME10', kind: 'percent', value: 10, oncePerCustomer: true }, now);
  });
  return { categories, products };
}
