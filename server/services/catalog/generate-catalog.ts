/**
 * The large generated catalogue (benchmarks, index tests) on either engine, through the catalog
 * store: a two-level category tree and N products with 1-3 variants each, their initial-stock
 * ledger rows and search entries, one transaction per batch (multi-row inserts on PostgreSQL).
 * A seed gives the same rows every time.
 */
import type { Engine } from '../../../db/engine.js';
import type { CategoryInsert, GeneratedBatch, ProductStatus } from '../../../db/stores/catalog.js';
import { newId } from '../../ids.js';

const ADJECTIVES = [
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
const MATERIALS = [
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
const NOUNS = [
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
const SENTENCES = [
  'Built to last and easy to repair.',
  'A favourite of our customers for everyday use.',
  'Tested in the field by our own team.',
  'Made with responsibly sourced materials.',
  'Packs small and travels well.',
  'Comes with a two-year warranty.',
  'Designed in-house and made in small batches.',
  'Easy to clean and quick to dry.',
];
const VARIANT_NAMES = ['Small', 'Medium', 'Large', 'Black', 'Natural', 'Navy'];

/** A small deterministic PRNG (mulberry32), so a generated catalogue is the same every time. */
function random(seed: number) {
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

export async function generateCatalogOn(
  engine: Engine,
  options: GenerateOptions,
): Promise<{ products: number; variants: number }> {
  const { products: total, batchSize = 5000, now = Date.now() } = options;
  const rand = random(options.seed ?? 42);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)] as T;
  const runId = newId().slice(0, 6);

  const categories: CategoryInsert[] = [];
  const leafIds: string[] = [];
  for (let p = 0; p < 4; p++) {
    const parentId = newId();
    categories.push({
      id: parentId,
      slug: `gen-${runId}-${p}`,
      name: `Generated ${p + 1}`,
      parentId: null,
      createdAt: now,
    });
    for (let c = 0; c < 4; c++) {
      const id = newId();
      categories.push({
        id,
        slug: `gen-${runId}-${p}-${c}`,
        name: `Generated ${p + 1}.${c + 1}`,
        parentId,
        createdAt: now,
      });
      leafIds.push(id);
    }
  }
  await engine.transaction((tx) => tx.catalog.insertGenerated({ categories, products: [], variants: [] }));

  let variants = 0;
  for (let from = 0; from < total; from += batchSize) {
    const to = Math.min(total, from + batchSize);
    const batch: GeneratedBatch = { categories: [], products: [], variants: [] };
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
        const price = base + v * 500;
        const stock = rand() < 0.1 ? 0 : Math.floor(rand() * 200);
        const variantName = pick(VARIANT_NAMES);
        batch.variants.push({
          id: newId(),
          productId: id,
          sku: `GEN-${runId}-${i + 1}-${v + 1}`,
          name: variantName,
          price,
          compareAtPrice: null,
          stock,
          weightGrams: 100 + Math.floor(rand() * 3000),
          position: v,
          createdAt,
        });
        minPrice = Math.min(minPrice, price);
        stockTotal += stock;
        variants += 1;
      }
      const status: ProductStatus = rand() < 0.05 ? 'draft' : rand() < 0.03 ? 'archived' : 'active';
      batch.products.push({
        id,
        slug,
        name,
        description,
        categoryId: pick(leafIds),
        status,
        images: `["https://picsum.photos/seed/${slug}/800/800"]`,
        minPrice,
        stockTotal,
        createdAt,
      });
    }
    await engine.transaction((tx) => tx.catalog.insertGenerated(batch));
    options.onProgress?.(to, total);
  }
  return { products: total, variants };
}
