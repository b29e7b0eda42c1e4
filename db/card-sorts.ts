import type { ProductSort } from '../shared/schemas/index.js';

/**
 * ORDER BY and keyset predicate of each product-list sort, in SQL both engines read the same way
 * (row-value comparison). The last key is always the unique `seq`; the keyset's `?` take the
 * decoded cursor keys in this order. `score` is lower for better matches on both engines.
 */
export const CARD_SORTS: Record<ProductSort, { orderBy: string; after: string }> = {
  newest: { orderBy: 'created_at DESC, seq DESC', after: '(created_at, seq) < (?, ?)' },
  price_asc: { orderBy: 'min_price ASC, seq ASC', after: '(min_price, seq) > (?, ?)' },
  price_desc: { orderBy: 'min_price DESC, seq DESC', after: '(min_price, seq) < (?, ?)' },
  rating: {
    orderBy: 'rating_avg DESC, rating_count DESC, seq DESC',
    after: '(rating_avg, rating_count, seq) < (?, ?, ?)',
  },
  relevance: { orderBy: 'score ASC, seq ASC', after: '(score, seq) > (?, ?)' },
};

/**
 * A card's category, LEFT JOINed to the listed products on `category_key = category_id`: one
 * index lookup per card where two correlated subqueries took two, and on PostgreSQL a plan that
 * costs much less to make (the 20-card list: about 550 → 350 µs of PostgreSQL CPU per query, 124 →
 * 110 µs on SQLite). The columns are renamed so that none collides with a product column named by
 * the filters and sorts above (category also has id, slug, name and created_at).
 */
export const CATEGORY_NAMES =
  'SELECT id AS category_key, slug AS category_slug, name AS category_name FROM category';
