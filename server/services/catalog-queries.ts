import { type SQL, sql } from 'drizzle-orm';
import type { ProductSort } from '../../shared/schemas/index.js';
import type { CursorKeys } from '../domain/cursor.js';
import { cursorKeys } from './paging.js';

/** A row of the card query: what a ProductCard needs plus the keys of every sort. */
export interface CardRow {
  seq: number;
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'draft' | 'archived';
  min_price: number;
  image_url: string | null;
  stock_total: number;
  rating_avg: number;
  rating_count: number;
  created_at: number;
  category_slug: string | null;
  category_name: string | null;
  score: number | null;
}

interface SortPlan {
  orderBy: SQL;
  keys: (row: CardRow) => CursorKeys;
  shape: ('number' | 'string')[];
  after: (keys: CursorKeys) => SQL;
}

/** ORDER BY and keyset predicate per sort; the last key is always the unique `seq`. */
export const SORT_PLANS: Record<ProductSort, SortPlan> = {
  newest: {
    orderBy: sql`created_at DESC, seq DESC`,
    keys: (r) => [r.created_at, r.seq],
    shape: ['number', 'number'],
    after: ([a, b]) => sql`(created_at, seq) < (${a}, ${b})`,
  },
  price_asc: {
    orderBy: sql`min_price ASC, seq ASC`,
    keys: (r) => [r.min_price, r.seq],
    shape: ['number', 'number'],
    after: ([a, b]) => sql`(min_price, seq) > (${a}, ${b})`,
  },
  price_desc: {
    orderBy: sql`min_price DESC, seq DESC`,
    keys: (r) => [r.min_price, r.seq],
    shape: ['number', 'number'],
    after: ([a, b]) => sql`(min_price, seq) < (${a}, ${b})`,
  },
  rating: {
    orderBy: sql`rating_avg DESC, rating_count DESC, seq DESC`,
    keys: (r) => [r.rating_avg, r.rating_count, r.seq],
    shape: ['number', 'number', 'number'],
    after: ([a, b, c]) => sql`(rating_avg, rating_count, seq) < (${a}, ${b}, ${c})`,
  },
  relevance: {
    // bm25 is lower for better matches.
    orderBy: sql`score ASC, seq ASC`,
    keys: (r) => [r.score ?? 0, r.seq],
    shape: ['number', 'number'],
    after: ([a, b]) => sql`(score, seq) > (${a}, ${b})`,
  },
};

export interface CardQuery {
  where: SQL[];
  /** An FTS5 MATCH expression (already quoted by toFtsQuery), or null for no text filter. */
  match: string | null;
  sort: ProductSort;
  limit: number;
  cursor: string | undefined;
}

/**
 * The one query behind every product list: filters, optional full-text match ranked by bm25
 * (name weighs most, then SKU, then description), keyset paging. Every value is a bound parameter.
 */
export function cardListSql({ where, match, sort, limit, cursor }: CardQuery): {
  query: SQL;
  plan: SortPlan;
} {
  const plan = SORT_PLANS[sort];
  const conditions = [...where];
  if (cursor !== undefined) {
    conditions.push(plan.after(cursorKeys(cursor, sort, plan.shape)));
  }
  const source = match
    ? sql`SELECT p.*, bm25(product_search, 10.0, 1.0, 5.0) AS score
          FROM product_search JOIN product p ON p.seq = product_search.rowid
          WHERE product_search MATCH ${match}`
    : sql`SELECT p.*, NULL AS score FROM product p`;
  const filter = conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  const query = sql`
    SELECT seq, id, slug, name, status, min_price, json_extract(images, '$[0]') AS image_url,
           stock_total, rating_avg, rating_count, created_at, score,
           (SELECT c.slug FROM category c WHERE c.id = category_id) AS category_slug,
           (SELECT c.name FROM category c WHERE c.id = category_id) AS category_name
    FROM (${source}) ${filter}
    ORDER BY ${plan.orderBy}
    LIMIT ${limit + 1}`;
  return { query, plan };
}
