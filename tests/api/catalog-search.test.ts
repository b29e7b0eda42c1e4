import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { listProducts } from '../../server/services/catalog/products.js';
import { createProduct } from '../helpers/catalog.js';
import { errorOf } from '../helpers/errors.js';
import { test } from '../helpers/test.js';

/**
 * `products` (made for every test): three products made by `admin` whose names, descriptions and SKUs
 * the searches below look for; `search(q, extra)`: the slugs `shopper` finds for `q`.
 */
const it = test
  .extend('products', { auto: true }, async ({ admin }) => [
    await createProduct(admin, {
      slug: 'blue-ceramic-mug',
      name: 'Blue Ceramic Mug',
      description: 'Holds 350 ml of coffee.',
      variants: [{ sku: 'MUG-BLU-350', name: 'Blue', price: 1800, stock: 5 }],
    }),
    await createProduct(admin, {
      slug: 'travel-flask',
      name: 'Travel Flask',
      description: 'Goes well with a ceramic mug at home. Keeps tea hot.',
      variants: [{ sku: 'FLK-500', name: 'Steel', price: 2500, stock: 5 }],
    }),
    await createProduct(admin, {
      slug: 'quote-tee',
      name: 'The "Best" Tee -50% NEAR(sale) col:cotton',
      description: '100% cotton; résumé-ready.',
      variants: [{ sku: 'TEE_Q-1', name: 'M', price: 2000, stock: 5 }],
    }),
  ])
  .extend(
    'search',
    async ({ shopper }) =>
      async (q: string, extra: { sort?: 'price_asc' | 'relevance' } = {}) =>
        (await shopper.catalog.products.query({ q, limit: 100, ...extra })).items.map((i) => i.slug),
  );

describe('full-text search', () => {
  it('needs every word and takes the last one as a prefix', async ({ search }) => {
    expect(await search('ceramic mug')).toEqual(['blue-ceramic-mug', 'travel-flask']);
    expect(await search('blue mu')).toEqual(['blue-ceramic-mug']);
    expect(await search('blue flask')).toEqual([]);
    expect(await search('mu blue')).toEqual([]); // only the last word is a prefix
    expect(await search('CERAMIC')).toEqual(['blue-ceramic-mug', 'travel-flask']);
  });

  it('searches names, descriptions and SKUs, and folds accents', async ({ search }) => {
    expect(await search('tea')).toEqual(['travel-flask']);
    expect(await search('FLK-500')).toEqual(['travel-flask']);
    expect(await search('mug-blu')).toEqual(['blue-ceramic-mug']);
    expect(await search('resume')).toEqual(['quote-tee']);
  });

  it('ranks name matches above description matches for relevance', async ({ search }) => {
    expect(await search('ceramic mug', { sort: 'relevance' })).toEqual(['blue-ceramic-mug', 'travel-flask']);
    expect(await search('ceramic mug', { sort: 'price_asc' })).toEqual(['blue-ceramic-mug', 'travel-flask']);
  });

  it('treats query syntax as literal text', async ({ shopper, search }) => {
    expect(await search('"Best"')).toEqual(['quote-tee']);
    expect(await search('-50% tee')).toEqual(['quote-tee']);
    expect(await search('NEAR(sale)')).toEqual(['quote-tee']);
    expect(await search('col:cotton')).toEqual(['quote-tee']);
    expect(await search('cotton OR mug')).toEqual([]); // OR is a word here, not an operator
    expect(await search('mug*')).toEqual(['blue-ceramic-mug', 'travel-flask']);
    for (const q of [
      '"',
      '""',
      '*',
      '-',
      '^',
      'NEAR(',
      'AND',
      ')',
      ':',
      '" OR "1"="1',
      "'; DROP TABLE product; --",
      '%_\\',
    ]) {
      await shopper.catalog.products.query({ q });
    }
    expect(await search('   ')).toEqual([]);
  });

  it('refuses search text over 100 characters', async ({ shopper }) => {
    const error = await errorOf(shopper.catalog.products.query({ q: 'a'.repeat(101) }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
    expect(error.data.fieldErrors).toHaveProperty('q');
  });

  it('follows every write: renames, new variants and status changes', async ({ admin, search }) => {
    const flask = (await admin.admin.products.list.query({ q: 'flask' })).items[0];
    if (!flask) throw new Error('flask missing');
    await admin.admin.products.update.mutate({
      id: flask.id,
      name: 'Vacuum Bottle',
      description: 'Keeps coffee hot.',
    });
    expect(await search('flask')).toEqual([]);
    expect(await search('vacuum bott')).toEqual(['travel-flask']);
    expect(await search('tea')).toEqual([]);

    await admin.admin.variants.create.mutate({
      productId: flask.id,
      sku: 'BTL-XL-900',
      name: 'XL',
      price: 3000,
      stock: 1,
    });
    expect(await search('BTL-XL')).toEqual(['travel-flask']);
    expect(await search('FLK-500')).toEqual(['travel-flask']);

    await admin.admin.products.update.mutate({ id: flask.id, status: 'draft' });
    expect(await search('vacuum')).toEqual([]);
    expect((await admin.admin.products.list.query({ q: 'vacuum' })).items.map((i) => i.status)).toEqual([
      'draft',
    ]);
  });

  it('never throws, whatever the search text (property)', async ({ app }) => {
    const syntax = fc.constantFrom(
      '"',
      '*',
      '-',
      '+',
      '^',
      ':',
      '(',
      ')',
      'NEAR(',
      'AND',
      'OR',
      'NOT',
      'col:',
      '%',
      '_',
      '\\',
      "'",
      ';',
      '\u0000',
      '\u200b',
      'é',
      '𝔘',
      '🙂',
    );
    const text = fc
      .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), syntax, fc.constant(' ')), {
        maxLength: 30,
      })
      .map((parts) => parts.join('').slice(0, 100));
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.constantFrom('relevance', 'newest', 'price_asc', 'rating'),
        async (q, sort) => {
          const page = await listProducts(app.deps.engine.read, { q, sort, limit: 20 }, 'USD');
          expect(Array.isArray(page.items)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
