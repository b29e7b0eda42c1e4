import { type SQL, sql } from 'drizzle-orm';
import { CARD_SORTS } from '../card-sorts.js';
import type { CardListQuery, SearchWords } from '../stores/catalog.js';

/** SQL text with `?` placeholders (written in code, never input) and its values as bound parameters. */
function bound(text: string, params: (string | number)[]): SQL {
  const parts = text.split('?');
  if (parts.length !== params.length + 1) throw new Error(`${params.length} values for: ${text}`);
  return sql.join(
    parts.flatMap((part, i) => (i < params.length ? [sql.raw(part), sql`${params[i]}`] : [sql.raw(part)])),
  );
}

/**
 * The search as a tsquery built in SQL from the sanitised words, each a bound parameter folded the
 * way the documents are (backroom_search_text: unaccent, every non-alphanumeric run a separator):
 * a whole word is a phrase (`phraseto_tsquery` reads plain text, never syntax); the prefix word is
 * the same phrase with `:*` on its last lexeme (added to the phrase's own quoted output, so the
 * word's characters are never parsed as operators). Every word must match (`&&`).
 */
export function searchQuery(words: SearchWords): SQL {
  const phrase = (word: string) => sql`phraseto_tsquery('simple', backroom_search_text(${word}))`;
  const parts = words.whole.map(phrase);
  if (words.prefix !== null) {
    parts.push(sql`(SELECT CASE WHEN numnode(w.q) = 0 THEN w.q ELSE (w.q::text || ':*')::tsquery END
      FROM ${phrase(words.prefix)} AS w(q))`);
  }
  return sql.join(parts, sql` && `);
}

/**
 * The card query on PostgreSQL, the same shape as SQLite's (db/sqlite/catalog-cards.ts): the
 * candidates are the newest `candidates` matches of product_search (GIN), ranked by ts_rank with
 * name (A) > SKU (B) > description (C) when sorting by relevance (negated: lower is better, as bm25).
 */
export function cardListSql(query: CardListQuery): SQL {
  const sort = CARD_SORTS[query.sort];
  const where: SQL[] = [];
  if (query.status !== undefined) where.push(sql`status = ${query.status}`);
  if (query.categoryIds !== undefined) {
    where.push(
      sql`category_id IN (${sql.join(
        query.categoryIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  if (query.minPrice !== undefined) where.push(sql`min_price >= ${query.minPrice}`);
  if (query.maxPrice !== undefined) where.push(sql`min_price <= ${query.maxPrice}`);
  if (query.inStock === true) where.push(sql`stock_total > 0`);
  if (query.after !== undefined) where.push(bound(sort.after, query.after));

  let candidates = sql``;
  let source = sql`SELECT p.*, NULL::float8 AS score FROM product p`;
  if (query.search !== null) {
    const score =
      query.sort === 'relevance'
        ? sql`-(ts_rank('{0, 0.1, 0.5, 1.0}', s.document, m.query)::float8)`
        : sql`NULL::float8`;
    candidates = sql`WITH m AS (SELECT ${searchQuery(query.search)} AS query),
      candidate AS (
        SELECT s.seq, ${score} AS score FROM product_search s, m
        WHERE s.document @@ m.query ORDER BY s.seq DESC LIMIT ${query.candidates})`;
    source = sql`SELECT p.*, candidate.score FROM candidate JOIN product p ON p.seq = candidate.seq`;
  }
  const filter = where.length > 0 ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
  return sql`${candidates}
    SELECT seq, id, slug, name, status, min_price, (images::jsonb)->>0 AS image_url,
           stock_total, rating_avg, rating_count, created_at, score,
           (SELECT c.slug FROM category c WHERE c.id = listed.category_id) AS category_slug,
           (SELECT c.name FROM category c WHERE c.id = listed.category_id) AS category_name
    FROM (${source}) AS listed ${filter}
    ORDER BY ${sql.raw(sort.orderBy)}
    LIMIT ${query.rows}`;
}
