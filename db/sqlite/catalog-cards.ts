import { cardRowOf } from '../card-rows.js';
import { CARD_SORTS, CATEGORY_NAMES } from '../card-sorts.js';
import type { CardListQuery, CardRow, SearchWords } from '../stores/catalog.js';
import type { Executor } from './client.js';
import { allRows, allValues, type PlainQuery } from './prepared.js';

/** A price range covering at least this many active products counts as wide (see priceColumn). */
const WIDE_PRICE_RANGE = 5_000;

/** An FTS5 MATCH expression: each word quoted as an FTS5 string (`"` doubled), the prefix starred. */
export function ftsMatch(words: SearchWords): string {
  const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;
  const prefix = words.prefix === null ? [] : [`${quote(words.prefix)}*`];
  return [...words.whole.map(quote), ...prefix].join(' ');
}

/**
 * The price column as a list's WHERE names it. A narrow range is read through the price index and
 * its few rows sorted; a wide one through the sort's own index, checking the price per row (`+`
 * keeps SQLite off the price index), else a range covering most of the catalogue would be read
 * and sorted whole (0.2–0.35 s on 100k products). Counting up to WIDE_PRICE_RANGE rows of the
 * covering price index costs about as much as reading one page.
 */
function priceColumn(db: Executor, query: CardListQuery): string {
  if (query.search !== null || query.sort === 'price_asc' || query.sort === 'price_desc') return 'min_price';
  const [row] = allRows<{ n: number }>(db, {
    text: `SELECT count(*) AS n FROM (SELECT 1 FROM product
      WHERE status = 'active' AND min_price >= ? AND min_price <= ? LIMIT ?)`,
    params: [query.minPrice ?? 0, query.maxPrice ?? Number.MAX_SAFE_INTEGER, WIDE_PRICE_RANGE],
  });
  return (row?.n ?? 0) >= WIDE_PRICE_RANGE ? '+min_price' : 'min_price';
}

/**
 * The one query behind every product list: filters, optional full-text match ranked by bm25
 * (name weighs most, then SKU, then description), keyset paging. Every value is a bound parameter.
 * A search reads its candidates from the index first (at most `candidates`, newest first, bm25
 * only when ranking by relevance), then looks each up by rowid: the index is never probed once per
 * product row, which for a prefix re-merges its doclists every time.
 */
export function cardListQuery(db: Executor, query: CardListQuery): PlainQuery {
  const sort = CARD_SORTS[query.sort];
  const where: PlainQuery[] = [];
  // 'active' is written out (the storefront's constant filter), other statuses are bound.
  if (query.status === 'active') where.push({ text: "status = 'active'", params: [] });
  else if (query.status !== undefined) where.push({ text: 'status = ?', params: [query.status] });
  if (query.categoryIds !== undefined) {
    const marks = query.categoryIds.map(() => '?').join(', ');
    where.push({ text: `category_id IN (${marks})`, params: query.categoryIds });
  }
  const price = query.minPrice !== undefined || query.maxPrice !== undefined ? priceColumn(db, query) : '';
  if (query.minPrice !== undefined) where.push({ text: `${price} >= ?`, params: [query.minPrice] });
  if (query.maxPrice !== undefined) where.push({ text: `${price} <= ?`, params: [query.maxPrice] });
  if (query.inStock === true) where.push({ text: 'stock_total > 0', params: [] });
  if (query.after !== undefined) where.push({ text: sort.after, params: query.after });

  const params: (string | number)[] = [];
  let candidates = '';
  let source = 'SELECT p.*, NULL AS score FROM product p';
  if (query.search !== null) {
    const score = query.sort === 'relevance' ? 'bm25(product_search, 10.0, 1.0, 5.0)' : 'NULL';
    candidates = `WITH candidate AS (
      SELECT rowid AS seq, ${score} AS score FROM product_search
      WHERE product_search MATCH ? ORDER BY rowid DESC LIMIT ?)`;
    source = 'SELECT p.*, candidate.score FROM candidate CROSS JOIN product p ON p.seq = candidate.seq';
    params.push(ftsMatch(query.search), query.candidates);
  }
  for (const c of where) params.push(...c.params);
  const filter = where.length > 0 ? `WHERE ${where.map((c) => c.text).join(' AND ')}` : '';
  params.push(query.rows);
  const text = `${candidates}
    SELECT seq, id, slug, name, status, min_price, json_extract(images, '$[0]') AS image_url,
           stock_total, rating_avg, rating_count, created_at, score, category_slug, category_name
    FROM (${source}) LEFT JOIN (${CATEGORY_NAMES}) ON category_key = category_id ${filter}
    ORDER BY ${sort.orderBy}
    LIMIT ?`;
  return { text, params };
}

/** The card rows of one page (statement cached per query shape, see allRows). */
export function cardRows(db: Executor, query: CardListQuery): CardRow[] {
  return allValues(db, cardListQuery(db, query)).map(cardRowOf);
}
