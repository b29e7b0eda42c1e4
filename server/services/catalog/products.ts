import type { z } from 'zod';
import type { CardListQuery, CardRow, ProductStatus } from '../../../db/stores/catalog.js';
import type { Stores } from '../../../db/stores/index.js';
import type { adminProductListInput, ProductSort, productListInput } from '../../../shared/schemas/index.js';
import type { CursorKeys } from '../../domain/cursor.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';
import { toSearchWords } from './search-words.js';

/**
 * The most matches a search examines: the newest this many (by product `seq`). A search matching
 * more is sorted and paged within them. NOTE: this bounds the work of the broadest searches (one
 * letter, the commonest words: most of a large catalogue) at the cost of completeness for them;
 * any search matching fewer is exact.
 */
export const SEARCH_CANDIDATES = 10_000;

export function toRating(avg: number, count: number) {
  return { average: count > 0 ? Math.round(avg * 100) / 100 : null, count };
}

/** The keys each sort pages by (in db/card-sorts.ts order) and their types in a cursor. */
const SORT_KEYS: Record<ProductSort, { keys: (row: CardRow) => CursorKeys; shape: ('number' | 'string')[] }> =
  {
    newest: { keys: (r) => [r.created_at, r.seq], shape: ['number', 'number'] },
    price_asc: { keys: (r) => [r.min_price, r.seq], shape: ['number', 'number'] },
    price_desc: { keys: (r) => [r.min_price, r.seq], shape: ['number', 'number'] },
    rating: { keys: (r) => [r.rating_avg, r.rating_count, r.seq], shape: ['number', 'number', 'number'] },
    relevance: { keys: (r) => [r.score ?? 0, r.seq], shape: ['number', 'number'] },
  };

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

type Filters = Omit<CardListQuery, 'search' | 'candidates' | 'sort' | 'after' | 'rows'>;

/** One page of cards: the search words, the sort (relevance only with a search), the cursor. */
async function cardPage(
  s: Stores,
  filters: Filters,
  options: {
    q?: string | undefined;
    sort?: ProductSort | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const search = options.q === undefined ? null : toSearchWords(options.q);
  if (options.q !== undefined && search === null) return { rows: [] as CardRow[], nextCursor: null };
  const requested = options.sort ?? (search ? 'relevance' : 'newest');
  const sort = requested === 'relevance' && !search ? 'newest' : requested;
  const plan = SORT_KEYS[sort];
  const after = options.cursor === undefined ? undefined : cursorKeys(options.cursor, sort, plan.shape);
  const rows = await s.catalog.listCards({
    ...filters,
    search,
    candidates: SEARCH_CANDIDATES,
    sort,
    after,
    rows: options.limit + 1,
  });
  const page = toPage(rows, options.limit, sort, plan.keys);
  return { rows: page.items, nextCursor: page.nextCursor };
}

/** The storefront list: active products only, with every filter, sort and keyset paging of the API reference. */
export async function listProducts(s: Stores, input: z.output<typeof productListInput>, currency: string) {
  let categoryIds: string[] | undefined;
  if (input.category !== undefined) {
    categoryIds = await s.catalog.categorySubtreeIds(input.category);
    if (categoryIds.length === 0) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such category');
  }
  const filters: Filters = {
    status: 'active',
    categoryIds,
    minPrice: input.minPrice,
    maxPrice: input.maxPrice,
    inStock: input.inStock,
  };
  const { rows, nextCursor } = await cardPage(s, filters, input);
  return { items: rows.map((row) => toCard(row, currency)), nextCursor };
}

/** The admin list: every status, optional status filter and search. */
export async function listProductsForAdmin(
  s: Stores,
  input: z.output<typeof adminProductListInput>,
  currency: string,
) {
  const { rows, nextCursor } = await cardPage(s, { status: input.status }, { ...input, sort: undefined });
  return { items: rows.map((row) => ({ ...toCard(row, currency), status: row.status })), nextCursor };
}

/** A product as the API reference's `Product`, plus its status; found by slug or id. */
export async function findProduct(
  s: Stores,
  by: { slug: string } | { id: string },
  options: { activeOnly: boolean },
) {
  const row = await s.catalog.findProduct(by);
  if (!row || (options.activeOnly && row.status !== 'active')) return null;
  const variants = await s.catalog.variantsOf(row.id);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    category: row.category,
    images: JSON.parse(row.images) as string[],
    rating: toRating(row.ratingAvg, row.ratingCount),
    variants,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** Every category with the number of active products in it and below it. */
export async function listCategories(s: Stores) {
  const categories = await s.catalog.categories();
  const direct = new Map((await s.catalog.activeProductCounts()).map((r) => [r.categoryId, r.count]));
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

export type { ProductStatus };
