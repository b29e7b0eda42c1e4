import { asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { allRows, preparedQuery } from '../../../db/sqlite/prepared.js';
import { category, product, variant } from '../../../db/sqlite/schema/index.js';
import type { ProductSort, productListInput } from '../../../shared/schemas/index.js';
import { toFtsQuery } from '../../domain/search-query.js';
import { AppError } from '../../errors.js';
import { toPage } from '../paging.js';
import { type CardRow, type Condition, cardListSql, condition } from './catalog-queries.js';

export type ProductStatus = 'active' | 'draft' | 'archived';

export function toRating(avg: number, count: number) {
  return { average: count > 0 ? Math.round(avg * 100) / 100 : null, count };
}

function toCard(row: CardRow, currency: string) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    price: row.min_price,
    currency,
    imageUrl: row.image_url,
    inStock: row.stock_total > 0,
    rating: toRating(row.rating_avg, row.rating_count),
    category:
      row.category_slug !== null && row.category_name !== null
        ? { slug: row.category_slug, name: row.category_name }
        : null,
  };
}

export type ProductCard = ReturnType<typeof toCard>;

/** The ids of a category and every category below it. */
export function categorySubtreeIds(db: Executor, slug: string): string[] | null {
  const rows = db.all<{ id: string }>(sql`
    WITH RECURSIVE subtree(id) AS (
      SELECT id FROM category WHERE slug = ${slug}
      UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
    ) SELECT id FROM subtree`);
  return rows.length > 0 ? rows.map((r) => r.id) : null;
}

function runCardList(
  db: Executor,
  where: Condition[],
  options: {
    q?: string | undefined;
    sort?: ProductSort | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const match = options.q === undefined ? null : toFtsQuery(options.q);
  if (options.q !== undefined && match === null) return { rows: [] as CardRow[], nextCursor: null };
  const requested = options.sort ?? (match ? 'relevance' : 'newest');
  const sort = requested === 'relevance' && !match ? 'newest' : requested;
  const { query, plan } = cardListSql({ where, match, sort, limit: options.limit, cursor: options.cursor });
  const rows = allRows<CardRow>(db, query);
  const page = toPage(rows, options.limit, sort, plan.keys);
  return { rows: page.items, nextCursor: page.nextCursor };
}

/** A price range covering at least this many active products counts as wide (see priceColumn). */
const WIDE_PRICE_RANGE = 5_000;

/**
 * The price column as a list's WHERE names it. A narrow range is read through the price index and
 * its few rows sorted; a wide one through the sort's own index, checking the price per row (`+`
 * keeps SQLite off the price index), else a range covering most of the catalogue would be read
 * and sorted whole (0.2–0.35 s on 100k products). Counting up to WIDE_PRICE_RANGE rows of the
 * covering price index costs about as much as reading one page.
 */
function priceColumn(db: Executor, input: z.output<typeof productListInput>): string {
  const sort = input.sort ?? 'newest';
  if (input.q !== undefined || sort === 'price_asc' || sort === 'price_desc') return 'min_price';
  const [row] = allRows<{ n: number }>(db, {
    text: `SELECT count(*) AS n FROM (SELECT 1 FROM product
      WHERE status = 'active' AND min_price >= ? AND min_price <= ? LIMIT ?)`,
    params: [input.minPrice ?? 0, input.maxPrice ?? Number.MAX_SAFE_INTEGER, WIDE_PRICE_RANGE],
  });
  return (row?.n ?? 0) >= WIDE_PRICE_RANGE ? '+min_price' : 'min_price';
}

/** The storefront list: active products only, with every filter, sort and keyset paging of API.md. */
export function listProducts(db: Executor, input: z.output<typeof productListInput>, currency: string) {
  const where = [condition("status = 'active'")];
  if (input.category !== undefined) {
    const ids = categorySubtreeIds(db, input.category);
    if (!ids) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such category');
    where.push(condition(`category_id IN (${ids.map(() => '?').join(', ')})`, ...ids));
  }
  const price = input.minPrice !== undefined || input.maxPrice !== undefined ? priceColumn(db, input) : '';
  if (input.minPrice !== undefined) where.push(condition(`${price} >= ?`, input.minPrice));
  if (input.maxPrice !== undefined) where.push(condition(`${price} <= ?`, input.maxPrice));
  if (input.inStock === true) where.push(condition('stock_total > 0'));
  const { rows, nextCursor } = runCardList(db, where, input);
  return { items: rows.map((row) => toCard(row, currency)), nextCursor };
}

/** The admin list: every status, optional status filter and search. */
export function listProductsForAdmin(
  db: Executor,
  input: {
    q?: string | undefined;
    status?: ProductStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  },
  currency: string,
) {
  const where = input.status ? [condition('status = ?', input.status)] : [];
  const { rows, nextCursor } = runCardList(db, where, {
    q: input.q,
    sort: undefined,
    limit: input.limit,
    cursor: input.cursor,
  });
  return { items: rows.map((row) => ({ ...toCard(row, currency), status: row.status })), nextCursor };
}

/** A variant as API.md's `Variant` (stock shown as `available`). */
export const variantColumns = {
  id: variant.id,
  sku: variant.sku,
  name: variant.name,
  price: variant.price,
  compareAtPrice: variant.compareAtPrice,
  available: variant.stock,
  weightGrams: variant.weightGrams,
};

const productColumns = {
  id: product.id,
  slug: product.slug,
  name: product.name,
  description: product.description,
  status: product.status,
  images: product.images,
  ratingAvg: product.ratingAvg,
  ratingCount: product.ratingCount,
  createdAt: product.createdAt,
  category: { id: category.id, slug: category.slug, name: category.name },
};

const productQuery = (db: Executor, by: 'slug' | 'id') =>
  db
    .select(productColumns)
    .from(product)
    .leftJoin(category, eq(category.id, product.categoryId))
    .where(eq(by === 'slug' ? product.slug : product.id, sql.placeholder('key')))
    .prepare();

const variantsQuery = (db: Executor) =>
  db
    .select(variantColumns)
    .from(variant)
    .where(eq(variant.productId, sql.placeholder('productId')))
    .orderBy(asc(variant.position), asc(variant.createdAt))
    .prepare();

/** A product as API.md's `Product`, plus its status; found by slug or id. Prepared once per database. */
export function findProduct(
  db: Executor,
  by: { slug: string } | { id: string },
  options: { activeOnly: boolean },
) {
  const field = 'slug' in by ? 'slug' : 'id';
  const row = preparedQuery(db, `product-by-${field}`, (d) => productQuery(d, field)).get({
    key: 'slug' in by ? by.slug : by.id,
  });
  if (!row || (options.activeOnly && row.status !== 'active')) return null;
  const variants = preparedQuery(db, 'variants-of-product', variantsQuery).all({ productId: row.id });
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    category: row.category?.id ? row.category : null,
    images: JSON.parse(row.images) as string[],
    rating: toRating(row.ratingAvg, row.ratingCount),
    variants,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** Every category with the number of active products in it and below it. */
export function listCategories(db: Executor) {
  const categories = db
    .select({ id: category.id, slug: category.slug, name: category.name, parentId: category.parentId })
    .from(category)
    .orderBy(asc(category.name))
    .all();
  const direct = new Map(
    db
      .all<{ category_id: string; n: number }>(
        sql`SELECT category_id, count(*) AS n FROM product WHERE status = 'active' AND category_id IS NOT NULL GROUP BY category_id`,
      )
      .map((r) => [r.category_id, r.n]),
  );
  const children = new Map<string, string[]>();
  for (const c of categories) {
    if (c.parentId) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  }
  const total = (id: string, seen = new Set<string>()): number => {
    if (seen.has(id)) return 0;
    seen.add(id);
    return (
      (direct.get(id) ?? 0) + (children.get(id) ?? []).reduce((sum, child) => sum + total(child, seen), 0)
    );
  };
  return categories.map((c) => ({ ...c, productCount: total(c.id) }));
}

export type Category = ReturnType<typeof listCategories>[number];
