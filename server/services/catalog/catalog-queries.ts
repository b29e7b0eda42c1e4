import type { PlainQuery } from '../../../db/sqlite/prepared.js';
import type { ProductSort } from '../../../shared/schemas/index.js';
import type { CursorKeys } from '../../domain/cursor.js';
import { cursorKeys } from '../paging.js';

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

/** A piece of a WHERE clause: SQL text with `?` placeholders and their values, in order. */
export type Condition = PlainQuery;

/** A condition from its text and values. */
export const condition = (text: string, ...params: (string | number)[]): Condition => ({ text, params });

interface SortPlan {
  orderBy: string;
  keys: (row: CardRow) => CursorKeys;
  shape: ('number' | 'string')[];
  after: (keys: CursorKeys) => Condition;
}

/** ORDER BY and keyset predicate per sort; the last key is always the unique `seq`. */
export const SORT_PLANS: Record<ProductSort, SortPlan> = {
  newest: {
    orderBy: 'created_at DESC, seq DESC',
    keys: (r) => [r.created_at, r.seq],
    shape: ['number', 'number'],
    after: (keys) => condition('(created_at, seq) < (?, ?)', ...keys),
  },
  price_asc: {
    orderBy: 'min_price ASC, seq ASC',
    keys: (r) => [r.min_price, r.seq],
    shape: ['number', 'number'],
    after: (keys) => condition('(min_price, seq) > (?, ?)', ...keys),
  },
  price_desc: {
    orderBy: 'min_price DESC, seq DESC',
    keys: (r) => [r.min_price, r.seq],
    shape: ['number', 'number'],
    after: (keys) => condition('(min_price, seq) < (?, ?)', ...keys),
  },
  rating: {
    orderBy: 'rating_avg DESC, rating_count DESC, seq DESC',
    keys: (r) => [r.rating_avg, r.rating_count, r.seq],
    shape: ['number', 'number', 'number'],
    after: (keys) => condition('(rating_avg, rating_count, seq) < (?, ?, ?)', ...keys),
  },
  relevance: {
    // bm25 is lower for better matches.
    orderBy: 'score ASC, seq ASC',
    keys: (r) => [r.score ?? 0, r.seq],
    shape: ['number', 'number'],
    after: (keys) => condition('(score, seq) > (?, ?)', ...keys),
  },
};

export interface CardQuery {
  where: Condition[];
  /** An FTS5 MATCH expression (already quoted by toFtsQuery), or null for no text filter. */
  match: string | null;
  sort: ProductSort;
  limit: number;
  cursor: string | undefined;
}

/**
 * The most matches a search examines: the newest this many (by product `seq`). A search matching
 * more is sorted and paged within them. NOTE: this bounds the work of the broadest searches (one
 * letter, the commonest words: most of a large catalogue) at the cost of completeness for them;
 * any search matching fewer is exact.
 */
export const SEARCH_CANDIDATES = 10_000;

/**
 * The one query behind every product list: filters, optional full-text match ranked by bm25
 * (name weighs most, then SKU, then description), keyset paging. Every value is a bound parameter.
 * A search reads its candidates from the index first (at most SEARCH_CANDIDATES, newest first,
 * bm25 only when ranking by relevance), then looks each up by rowid: the index is never probed
 * once per product row, which for a prefix re-merges its doclists every time.
 */
export function cardListSql({ where, match, sort, limit, cursor }: CardQuery): {
  query: PlainQuery;
  plan: SortPlan;
} {
  const plan = SORT_PLANS[sort];
  const conditions = [...where];
  if (cursor !== undefined) conditions.push(plan.after(cursorKeys(cursor, sort, plan.shape)));
  const params: (string | number)[] = [];
  let candidates = '';
  let source = 'SELECT p.*, NULL AS score FROM product p';
  if (match) {
    const score = sort === 'relevance' ? 'bm25(product_search, 10.0, 1.0, 5.0)' : 'NULL';
    candidates = `WITH candidate AS (
      SELECT rowid AS seq, ${score} AS score FROM product_search
      WHERE product_search MATCH ? ORDER BY rowid DESC LIMIT ?)`;
    source = 'SELECT p.*, candidate.score FROM candidate CROSS JOIN product p ON p.seq = candidate.seq';
    params.push(match, SEARCH_CANDIDATES);
  }
  for (const c of conditions) params.push(...c.params);
  const filter = conditions.length > 0 ? `WHERE ${conditions.map((c) => c.text).join(' AND ')}` : '';
  params.push(limit + 1);
  const text = `${candidates}
    SELECT seq, id, slug, name, status, min_price, json_extract(images, '$[0]') AS image_url,
           stock_total, rating_avg, rating_count, created_at, score,
           (SELECT c.slug FROM category c WHERE c.id = category_id) AS category_slug,
           (SELECT c.name FROM category c WHERE c.id = category_id) AS category_name
    FROM (${source}) ${filter}
    ORDER BY ${plan.orderBy}
    LIMIT ?`;
  return { query: { text, params }, plan };
}
