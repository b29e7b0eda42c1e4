/**
 * The catalog store, differentially: every method runs with the same inputs on SQLite (in memory)
 * and on a fresh PostgreSQL database, and must answer the same (refusals included). Then the
 * services on top (search rules, demo store, generator) must show the same lists on both engines.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { user as pgUser } from '../../db/postgres/schema/index.js';
import { type DatabaseHandle, openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { user as liteUser } from '../../db/sqlite/schema/index.js';
import type { CardListQuery, CardRow, CatalogStore } from '../../db/stores/catalog.js';
import { seedDemoCatalog } from '../../server/services/catalog/demo-catalog.js';
import { generateCatalogOn } from '../../server/services/catalog/generate-catalog.js';
import { findProduct, listCategories, listProducts } from '../../server/services/catalog/products.js';
import { toSearchWords } from '../../server/services/catalog/search-words.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();
const NOW = 1_700_000_000_000;

describe.skipIf(unavailable)(
  suiteTitle('Catalog store: SQLite and PostgreSQL answer alike', unavailable),
  () => {
    let database: TestDatabase;
    let pgHandle: PostgresHandle;
    let liteHandle: DatabaseHandle;
    let engines: { sqlite: Engine; postgres: Engine };

    beforeAll(async () => {
      ({ database, handle: pgHandle } = await openMigratedTestDatabase(4));
      liteHandle = openDatabase(':memory:');
      engines = { sqlite: createSqliteEngine(liteHandle), postgres: createPostgresEngine(pgHandle) };
      const users = ['u1', 'u2', 'u3'].map((id) => ({
        id,
        email: `${id}@example.com`,
        name: `User ${id}`,
        passwordHash: 'x',
        createdAt: NOW,
        updatedAt: NOW,
      }));
      liteHandle.db.insert(liteUser).values(users).run();
      await pgHandle.db.insert(pgUser).values(users);
    });
    afterAll(async () => {
      await engines?.postgres.close();
      liteHandle?.close();
      await database?.drop();
    });

    /** Runs `call` on both engines' stores (in a transaction when `write`), expects equal answers. */
    async function same<T>(call: (store: CatalogStore) => Promise<T>, write = false): Promise<T> {
      const run = (engine: Engine) =>
        write ? engine.transaction((tx) => call(tx.catalog)) : call(engine.read.catalog);
      const lite = await run(engines.sqlite);
      const pg = await run(engines.postgres);
      expect(pg).toEqual(lite);
      return lite;
    }
    const written = <T>(call: (store: CatalogStore) => Promise<T>) => same(call, true);
    const category = (id: string, slug: string, parentId: string | null = null) => ({
      id,
      slug,
      name: slug[0]?.toUpperCase() + slug.slice(1),
      parentId,
      createdAt: NOW,
    });
    const product = (
      id: string,
      slug: string,
      name: string,
      description: string,
      categoryId: string | null,
    ) => ({
      id,
      slug,
      name,
      description,
      categoryId,
      status: 'active' as const,
      images: JSON.stringify([`https://img.example/${slug}.jpg`]),
      createdAt: NOW + Number(id.slice(1)) * 1000,
    });
    const variant = (id: string, productId: string, sku: string, price: number, position = 0) => ({
      id,
      productId,
      sku,
      name: `Variant ${sku}`,
      price,
      compareAtPrice: null,
      weightGrams: 100,
      position,
      createdAt: NOW,
    });

    it('writes and reads categories, refusing a taken slug', async () => {
      expect(await written((s) => s.insertCategory(category('c1', 'cookware')))).toBe(true);
      expect(await written((s) => s.insertCategory(category('c2', 'knives', 'c1')))).toBe(true);
      expect(await written((s) => s.insertCategory(category('c3', 'books')))).toBe(true);
      expect(await written((s) => s.insertCategory(category('c4', 'pans', 'c1')))).toBe(true);
      expect(await written((s) => s.insertCategory(category('c9', 'cookware')))).toBe(false);
      expect(await written((s) => s.insertCategory(category('c1', 'other')))).toBe(false);
      expect(await same((s) => s.categoryIdBySlug('knives'))).toBe('c2');
      expect(await same((s) => s.categoryIdBySlug('nope'))).toBeNull();
      expect(await same((s) => s.categoryExists('c3'))).toBe(true);
      expect(await same((s) => s.categoryExists('c9'))).toBe(false);
      expect((await same((s) => s.categorySubtreeIds('cookware'))).sort()).toEqual(['c1', 'c2', 'c4']);
      expect(await same((s) => s.categorySubtreeIds('nope'))).toEqual([]);
      expect(await same((s) => s.isInSubtree('c1', 'c2'))).toBe(true);
      expect(await same((s) => s.isInSubtree('c1', 'c1'))).toBe(true);
      expect(await same((s) => s.isInSubtree('c2', 'c1'))).toBe(false);
      expect(await written((s) => s.updateCategory('c4', { slug: 'books' }, NOW))).toBe(false);
      expect(await written((s) => s.updateCategory('c4', { name: 'Pans & pots', parentId: null }, NOW))).toBe(
        true,
      );
      expect((await same((s) => s.categories())).map((c) => c.name)).toEqual([
        'Books',
        'Cookware',
        'Knives',
        'Pans & pots',
      ]);
      expect(await same((s) => s.categoryContents('c1'))).toEqual({ products: 0, children: 1 });
      await written((s) => s.deleteCategory('c4'));
      expect(await same((s) => s.catalogSize())).toEqual({ categories: 3, products: 0 });
    });

    it('writes products and variants, refusing taken slugs and SKUs, and keeps stock with its ledger', async () => {
      const products = [
        product('p1', 'steel-knife', 'Steel Chef Knife', 'A sharp blade for every day.', 'c2'),
        product('p2', 'creme-torch', 'Crème Brûlée Torch', 'Caramelise sugar like a pro.', 'c1'),
        product('p3', 'paring-knife', 'Paring Knife', 'Small blade made of carbon steel.', 'c2'),
        product('p4', 'cookbook', 'The "Quoted" Cookbook: NEAR(1) & more*', 'Recipes, OR not.', 'c3'),
        product('p5', 'draft-thing', 'Hidden Draft Whisk', 'Not yet for sale.', 'c1'),
      ];
      for (const row of products) expect(await written((s) => s.insertProduct(row))).toBe(true);
      expect(
        await written((s) => s.insertProduct({ ...product('p9', 'steel-knife', 'Copy', 'Copy', null) })),
      ).toBe(false);
      expect(await written((s) => s.updateProduct('p5', { status: 'draft' }, NOW))).toBe(true);
      expect(await written((s) => s.updateProduct('p5', { slug: 'cookbook' }, NOW))).toBe(false);

      const variants = [
        variant('v1', 'p1', 'SK-100', 4900),
        variant('v2', 'p1', 'SK-101', 5900, 1),
        variant('v3', 'p2', 'CB-001', 2500),
        variant('v4', 'p3', 'STEEL-7', 1900),
        variant('v5', 'p4', 'BOOK-1', 3000),
        variant('v6', 'p5', 'WH-1', 1200),
      ];
      for (const row of variants) expect(await written((s) => s.insertVariant(row))).toBe(true);
      expect(await written((s) => s.insertVariant(variant('v9', 'p1', 'SK-100', 100)))).toBe(false);

      const stock = (variantId: string, delta: number) =>
        written((s) =>
          s.changeStock({ variantId, delta, reason: 'adjustment', note: 'count', actorId: 'u1', now: NOW }),
        );
      expect(await stock('v1', 10)).toBe(10);
      expect(await stock('v1', -4)).toBe(6);
      expect(await stock('v1', -7)).toBeNull();
      expect(await stock('v2', 3)).toBe(3);
      expect(await stock('v3', 1)).toBe(1);
      expect(await stock('v5', 20)).toBe(20);
      expect(await stock('missing', 5)).toBeNull();
      await written((s) => s.updateVariant('v2', { price: 3900, name: 'Big' }, NOW + 1));

      expect(await same((s) => s.findProduct({ slug: 'steel-knife' }))).toMatchObject({
        id: 'p1',
        status: 'active',
      });
      expect(await same((s) => s.findProduct({ id: 'p4' }))).toMatchObject({ category: { slug: 'books' } });
      expect(await same((s) => s.findProduct({ slug: 'nope' }))).toBeNull();
      expect((await same((s) => s.variantsOf('p1'))).map((v) => [v.sku, v.price, v.available])).toEqual([
        ['SK-100', 4900, 6],
        ['SK-101', 3900, 3],
      ]);
      expect(await same((s) => s.variantById('v3'))).toMatchObject({ productId: 'p2', sku: 'CB-001' });
      expect(await same((s) => s.variantById('nope'))).toBeNull();
      expect(await same((s) => s.productStatus('p5'))).toBe('draft');
      expect(await same((s) => s.productIdBySlug('cookbook'))).toBe('p4');
      expect(await same((s) => s.variantIdBySku('CB-001'))).toBe('v3');
      expect(await same((s) => s.variantCount('p1'))).toBe(2);
      await same((s) =>
        s.activeProductCounts().then((rows) => rows.sort((a, b) => a.categoryId.localeCompare(b.categoryId))),
      );
      expect(await same((s) => s.categoryContents('c1'))).toEqual({ products: 2, children: 1 });
      expect(await same((s) => s.catalogSize())).toEqual({ categories: 3, products: 5 });
      expect((await same((s) => s.lowStock({ threshold: 5, limit: 10 }))).map((r) => r.sku)).toEqual([
        'STEEL-7',
        'WH-1',
        'CB-001',
        'SK-101',
      ]);
      const ledger = await same((s) => s.ledger({ variantId: 'v1', limit: 10 }));
      expect(ledger.map((m) => m.delta)).toEqual([-4, 10]);
      expect(
        await same((s) => s.ledger({ variantId: 'v1', beforeId: ledger[0]?.id, limit: 10 })),
      ).toHaveLength(1);
    });

    it('lists cards alike: filters, sorts, keysets', async () => {
      const cards = (query: Partial<CardListQuery>) =>
        same((s) => s.listCards({ search: null, candidates: 10_000, sort: 'newest', rows: 10, ...query }));
      expect((await cards({ status: 'active' })).map((r) => r.id)).toEqual(['p4', 'p3', 'p2', 'p1']);
      expect((await cards({})).map((r) => r.id)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
      await cards({ status: 'draft' });
      await cards({ status: 'active', sort: 'price_asc' });
      await cards({ status: 'active', sort: 'price_desc', rows: 2 });
      await cards({ status: 'active', sort: 'rating' });
      await cards({ status: 'active', categoryIds: ['c1', 'c2'], minPrice: 2000, maxPrice: 4000 });
      await cards({ status: 'active', inStock: true });
      await cards({ status: 'active', sort: 'price_asc', after: [2500, 2] });
      await cards({ status: 'active', sort: 'rating', after: [0, 0, 3] });
    });

    it('searches alike: every word, the last as a prefix, accents folded, syntax as text, name > SKU > description', async () => {
      // NOTE: relevance scores differ (bm25 against ts_rank): the engines must agree on the order.
      const withoutScore = (rows: CardRow[]) => rows.map((row) => ({ ...row, score: null }));
      const search = async (text: string, sort: CardListQuery['sort'] = 'newest') => {
        const rows = await same(async (s) => {
          const words = toSearchWords(text);
          if (!words) return [];
          return withoutScore(
            await s.listCards({ status: 'active', search: words, candidates: 10_000, sort, rows: 10 }),
          );
        });
        return rows.map((r) => r.id);
      };
      expect(await search('creme brulee')).toEqual(['p2']);
      expect(await search('CRÈME bru')).toEqual(['p2']);
      expect(await search('cb-00')).toEqual(['p2']);
      expect(await search('CB-001')).toEqual(['p2']);
      expect(await search('knife')).toEqual(['p3', 'p1']);
      expect(await search('knife paring')).toEqual(['p3']);
      expect(await search('kni')).toEqual(['p3', 'p1']);
      expect(await search('"quoted" near(1)')).toEqual(['p4']);
      expect(await search('more* & OR')).toEqual(['p4']);
      expect(await search("it's:* | !")).toEqual([]);
      expect(await search('whisk')).toEqual([]);
      expect(await search('steel', 'relevance')).toEqual(['p1', 'p3']);
      // Name beats SKU beats description (p3 has "steel" in its SKU and description).
      await written((s) => s.insertVariant(variant('v7', 'p2', 'STEEL-TIP', 2600, 1)));
      // p3 has it in a SKU and its description, p2 in a SKU only.
      expect(await search('steel', 'relevance')).toEqual(['p1', 'p3', 'p2']);
      expect(await search('steel', 'price_asc')).toEqual(['p3', 'p2', 'p1']);
      expect(await search('steel', 'newest')).toEqual(['p3', 'p2', 'p1']);
      // The bounded candidates: only the newest N matches are examined.
      expect(
        (
          await same((s) =>
            s.listCards({ search: toSearchWords('steel'), candidates: 1, sort: 'newest', rows: 10 }),
          )
        ).map((r) => r.id),
      ).toEqual(['p3']);
    });

    it('never takes stock below zero on PostgreSQL, however many transactions take it at once', async () => {
      await engines.postgres.transaction((tx) =>
        tx.catalog.changeStock({ variantId: 'v6', delta: 10, reason: 'adjustment', now: NOW }),
      );
      const take = () =>
        engines.postgres.transaction((tx) =>
          tx.catalog.changeStock({ variantId: 'v6', delta: -1, reason: 'order', now: NOW }),
        );
      const results = await Promise.all(Array.from({ length: 25 }, take));
      expect(results.filter((stock) => stock !== null)).toHaveLength(10);
      expect((await engines.postgres.read.catalog.variantById('v6'))?.available).toBe(0);
      const ledger = await engines.postgres.read.catalog.ledger({ variantId: 'v6', limit: 100 });
      expect(ledger.map((row) => row.stockAfter).sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
    });

    it('never fails and never reads search text as tsquery syntax (property)', async () => {
      const syntax = fc.constantFrom(
        '&',
        '|',
        '!',
        '(',
        ')',
        ':',
        ':*',
        '*',
        "'",
        "''",
        '\\',
        '<->',
        '<2>',
        '-',
        '"',
        'NEAR(',
        ' ',
        '\u0000',
        '\u200b',
        'é',
        'ŉ',
        '½',
        'ß',
        '𝔘',
        '🙂',
        'A:B',
        'steel',
      );
      const text = fc
        .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), syntax), { maxLength: 20 })
        .map((parts) => parts.join('').slice(0, 100));
      await fc.assert(
        fc.asyncProperty(text, async (q) => {
          const words = toSearchWords(q);
          if (!words) return;
          const rows = await engines.postgres.read.catalog.listCards({
            search: words,
            candidates: 100,
            sort: 'relevance',
            rows: 5,
          });
          expect(Array.isArray(rows)).toBe(true);
        }),
        { numRuns: 300 },
      );
      // Operators typed are text: "!knife" is no negation but the word knife (a prefix), as on FTS5.
      const negated = await same((s) =>
        s.listCards({ search: toSearchWords('steel & !knife'), candidates: 100, sort: 'newest', rows: 5 }),
      );
      expect(negated.map((row) => row.id)).toEqual(['p3', 'p1']);
    });

    it('keeps reviews alike, refusing a second review by the same customer', async () => {
      const review = (id: string, userId: string, rating: number, createdAt: number) => ({
        id,
        productId: 'p1',
        userId,
        rating,
        title: `Title ${id}`,
        body: `Body ${id}`,
        authorName: `User ${userId}`,
        createdAt,
      });
      expect(await written((s) => s.insertReview(review('r1', 'u1', 5, NOW)))).toBe(true);
      expect(await written((s) => s.insertReview(review('r2', 'u2', 4, NOW)))).toBe(true);
      expect(await written((s) => s.insertReview(review('r3', 'u3', 4, NOW + 5)))).toBe(true);
      expect(await written((s) => s.insertReview(review('r9', 'u1', 1, NOW)))).toBe(false);
      await written((s) => s.refreshRating('p1'));
      expect(await same((s) => s.hasReviewed('p1', 'u1'))).toBe(true);
      expect(await same((s) => s.hasReviewed('p2', 'u1'))).toBe(false);
      const page = await same((s) => s.reviews({ productId: 'p1', limit: 2 }));
      expect(page.map((r) => r.id)).toEqual(['r3', 'r2']);
      expect(
        (
          await same((s) => s.reviews({ productId: 'p1', before: { createdAt: NOW, id: 'r2' }, limit: 5 }))
        ).map((r) => r.id),
      ).toEqual(['r1']);
      expect(await same((s) => s.findProduct({ id: 'p1' }))).toMatchObject({ ratingCount: 3 });
      await same((s) =>
        s.listCards({ status: 'active', search: null, candidates: 1, sort: 'rating', rows: 10 }),
      );
    });

    it('shows the same shop through the services: demo catalogue and generated products', async () => {
      for (const engine of [engines.sqlite, engines.postgres]) {
        await engine.transaction((tx) => seedDemoCatalog(tx, NOW));
        await generateCatalogOn(engine, { products: 300, batchSize: 120, now: NOW, seed: 7 });
      }
      const both = async <T>(read: (engine: Engine) => Promise<T>) => {
        const [lite, pg] = [await read(engines.sqlite), await read(engines.postgres)];
        expect(pg).toEqual(lite);
        return lite;
      };
      // Generated slugs carry a random run id: compare what a shopper sees apart from it.
      const shown = (page: Awaited<ReturnType<typeof listProducts>>) =>
        page.items.map((card) => [card.name, card.price, card.inStock, card.category?.name ?? null]);
      const pages = async (input: Parameters<typeof listProducts>[1]) => {
        const [lite, pg] = [
          await listProducts(engines.sqlite.read, input, 'USD'),
          await listProducts(engines.postgres.read, input, 'USD'),
        ];
        expect(shown(pg)).toEqual(shown(lite));
        return lite;
      };
      expect((await pages({ limit: 20 })).items).toHaveLength(20);
      await pages({ limit: 30, sort: 'price_asc', minPrice: 1000, maxPrice: 9000 });
      await pages({ limit: 30, sort: 'rating', inStock: true });
      await pages({ limit: 50, q: 'merino', sort: 'newest' });
      await pages({ limit: 50, q: 'organic cott', sort: 'price_asc' });
      // Relevance: the same matches; among equal name matches the order is each engine's ranking.
      const relevant = async (engine: Engine) =>
        shown(await listProducts(engine.read, { limit: 100, q: 'merino' }, 'USD')).sort();
      expect(await relevant(engines.postgres)).toEqual(await relevant(engines.sqlite));
      await pages({ limit: 10, category: 'kitchen', sort: 'price_desc' });
      const demo = await both(async (e) => {
        const found = await findProduct(e.read, { slug: 'merino-travel-tee' }, { activeOnly: true });
        return found?.variants.map(({ id: _id, ...v }) => v);
      });
      expect(demo?.length).toBeGreaterThan(0);
      const categories = await both(async (e) =>
        (await listCategories(e.read))
          .filter((c) => !c.slug.startsWith('gen-'))
          .map(({ id: _id, parentId: _p, ...c }) => c),
      );
      expect(categories.length).toBeGreaterThan(0);
    });
  },
);
