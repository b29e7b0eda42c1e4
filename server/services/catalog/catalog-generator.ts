import type { Sqlite } from '../../../db/sqlite/client.js';
import { newId } from '../../ids.js';

export const ADJECTIVES = [
  'Rugged',
  'Classic',
  'Everyday',
  'Compact',
  'Premium',
  'Lightweight',
  'Vintage',
  'Modern',
  'Heavy-Duty',
  'Organic',
  'Handmade',
  'Waterproof',
  'Insulated',
  'Slim',
  'Deluxe',
  'Essential',
];
export const MATERIALS = [
  'Canvas',
  'Leather',
  'Merino',
  'Bamboo',
  'Ceramic',
  'Steel',
  'Walnut',
  'Linen',
  'Cotton',
  'Titanium',
  'Glass',
  'Cork',
  'Wool',
  'Nylon',
  'Copper',
  'Oak',
];
export const NOUNS = [
  'Backpack',
  'Mug',
  'Jacket',
  'Lamp',
  'Speaker',
  'Blanket',
  'Bottle',
  'Knife',
  'Tent',
  'Chair',
  'Wallet',
  'Headphones',
  'Notebook',
  'Skillet',
  'Scarf',
  'Watch',
  'Vase',
  'Kettle',
  'Pillow',
  'Sneakers',
];
export const SENTENCES = [
  'Built to last and easy to repair.',
  'A favourite of our customers for everyday use.',
  'Tested in the field by our own team.',
  'Made with responsibly sourced materials.',
  'Packs small and travels well.',
  'Comes with a two-year warranty.',
  'Designed in-house and made in small batches.',
  'Easy to clean and quick to dry.',
];
export const VARIANT_NAMES = ['Small', 'Medium', 'Large', 'Black', 'Natural', 'Navy'];

/** A small deterministic PRNG (mulberry32), so a generated catalogue is the same every time. */
export function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  products: number;
  batchSize?: number;
  seed?: number;
  now?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fills a database with a large generated catalogue (for benchmarks and index tests): a two-level
 * category tree and N products with 1-3 variants each, their initial-stock ledger rows and search
 * entries, in batched transactions with prepared statements.
 */
export function generateCatalog(
  sqlite: Sqlite,
  options: GenerateOptions,
): { products: number; variants: number } {
  const { products: total, batchSize = 5000, now = Date.now() } = options;
  const rand = random(options.seed ?? 42);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)] as T;
  const runId = newId().slice(0, 6);

  const insertCategory = sqlite.prepare(
    'INSERT INTO category (id, slug, name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const leafIds: string[] = [];
  sqlite.transaction(() => {
    for (let p = 0; p < 4; p++) {
      const parentId = newId();
      insertCategory.run(parentId, `gen-${runId}-${p}`, `Generated ${p + 1}`, null, now, now);
      for (let c = 0; c < 4; c++) {
        const id = newId();
        insertCategory.run(id, `gen-${runId}-${p}-${c}`, `Generated ${p + 1}.${c + 1}`, parentId, now, now);
        leafIds.push(id);
      }
    }
  })();

  const insertProduct = sqlite.prepare(`INSERT INTO product
    (id, slug, name, description, category_id, status, images, min_price, stock_total, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertVariant = sqlite.prepare(`INSERT INTO variant
    (id, product_id, sku, name, price, compare_at_price, stock, weight_grams, position, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`);
  const insertMovement = sqlite.prepare(`INSERT INTO inventory_movement
    (variant_id, delta, stock_after, reason, created_at) VALUES (?, ?, ?, 'initial', ?)`);

  let variants = 0;
  const writeBatch = sqlite.transaction((from: number, to: number) => {
    // Variants go in before their product (foreign keys are checked at commit), so the product's
    // insert trigger indexes its name, description and every SKU in one go.
    sqlite.pragma('defer_foreign_keys = ON');
    for (let i = from; i < to; i++) {
      const id = newId();
      const name = `${pick(ADJECTIVES)} ${pick(MATERIALS)} ${pick(NOUNS)} ${i + 1}`;
      const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${runId}`;
      const description = `${pick(SENTENCES)} ${pick(SENTENCES)} ${pick(SENTENCES)}`;
      const createdAt = now - Math.floor(rand() * 365 * 24 * 3600) * 1000;
      const count = 1 + Math.floor(rand() * 3);
      const base = (5 + Math.floor(rand() * 300)) * 100 - 1; // prices like 49.99: many ties
      let minPrice = Number.POSITIVE_INFINITY;
      let stockTotal = 0;
      for (let v = 0; v < count; v++) {
        const variantId = newId();
        const price = base + v * 500;
        const stock = rand() < 0.1 ? 0 : Math.floor(rand() * 200);
        insertVariant.run(
          variantId,
          id,
          `GEN-${runId}-${i + 1}-${v + 1}`,
          pick(VARIANT_NAMES),
          price,
          stock,
          100 + Math.floor(rand() * 3000),
          v,
          createdAt,
          createdAt,
        );
        if (stock > 0) insertMovement.run(variantId, stock, stock, createdAt);
        minPrice = Math.min(minPrice, price);
        stockTotal += stock;
        variants += 1;
      }
      const status = rand() < 0.05 ? 'draft' : rand() < 0.03 ? 'archived' : 'active';
      insertProduct.run(
        id,
        slug,
        name,
        description,
        pick(leafIds),
        status,
        `["https://picsum.photos/seed/${slug}/800/800"]`,
        minPrice,
        stockTotal,
        createdAt,
        createdAt,
      );
    }
  });

  for (let from = 0; from < total; from += batchSize) {
    const to = Math.min(total, from + batchSize);
    writeBatch(from, to);
    options.onProgress?.(to, total);
  }
  return { products: total, variants };
}
