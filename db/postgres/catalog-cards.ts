import { createHash } from 'node:crypto';
import { cardRowOf } from '../card-rows.js';
import { CARD_SORTS, CATEGORY_NAMES } from '../card-sorts.js';
import type { CardListQuery, CardRow, SearchWords } from '../stores/catalog.js';
import type { PgExecutor } from './client.js';

/** A query as SQL text with `$n` placeholders (written in code, never input) and its values. */
export interface NumberedQuery {
  text: string;
  params: (string | number)[];
}

/** SQL text and values being assembled: `bind` returns the placeholder of a new value. */
class Numbered implements NumberedQuery {
  params: (string | number)[] = [];
  text = '';
  bind(value: string | number): string {
    return `$${this.params.push(value)}`;
  }
  /** `text` with each `?` replaced by the placeholder of the next of `values`. */
  bindEach(text: string, values: (string | number)[]): string {
    const parts = text.split('?');
    if (parts.length !== values.length + 1) throw new Error(`${values.length} values for: ${text}`);
    let out = parts[0] ?? '';
    values.forEach((value, i) => {
      out += `${this.bind(value)}${parts[i + 1] ?? ''}`;
    });
    return out;
  }
}

/**
 * The search as a tsquery built in SQL from the sanitised words, each a bound parameter folded the
 * way the documents are (backroom_search_text: unaccent, every non-alphanumeric run a separator):
 * a whole word is a phrase (`phraseto_tsquery` reads plain text, never syntax); the prefix word is
 * the same phrase with `:*` on its last lexeme (added to the phrase's own quoted output, so the
 * word's characters are never parsed as operators). Every word must match (`&&`).
 */
function searchQuery(q: Numbered, words: SearchWords): string {
  const phrase = (word: string) => `phraseto_tsquery('simple', backroom_search_text(${q.bind(word)}))`;
  const parts = words.whole.map(phrase);
  if (words.prefix !== null) {
    parts.push(`(SELECT CASE WHEN numnode(w.q) = 0 THEN w.q ELSE (w.q::text || ':*')::tsquery END
      FROM ${phrase(words.prefix)} AS w(q))`);
  }
  return parts.join(' && ');
}

/** A row count as SQL text: a positive safe integer, else an error (never input written into SQL). */
function rowCount(rows: number): string {
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`Not a row count: ${rows}`);
  return String(rows);
}

/**
 * The card query on PostgreSQL, the same shape as SQLite's (db/sqlite/catalog-cards.ts): the
 * candidates are the newest `candidates` matches of product_search (GIN), ranked by ts_rank with
 * name (A) > SKU (B) > description (C) when sorting by relevance (negated: lower is better, as bm25).
 * The text depends only on the query's shape (which filters, which sort, how many categories and
 * search words) and the page's row count; every other value is a bound parameter. NOTE: the row
 * count is written out (an integer checked here) because a `LIMIT $n` makes PostgreSQL cost a
 * generic plan as if a tenth of the table were read, so it would never choose one (see isNamed).
 */
export function cardListQuery(query: CardListQuery): NumberedQuery {
  const q = new Numbered();
  let candidates = '';
  let source = 'SELECT p.*, NULL::float8 AS score FROM product p';
  if (query.search !== null) {
    const score =
      query.sort === 'relevance'
        ? `-(ts_rank('{0, 0.1, 0.5, 1.0}', s.document, m.query)::float8)`
        : 'NULL::float8';
    candidates = `WITH m AS (SELECT ${searchQuery(q, query.search)} AS query),
      candidate AS (
        SELECT s.seq, ${score} AS score FROM product_search s, m
        WHERE s.document @@ m.query ORDER BY s.seq DESC LIMIT ${q.bind(query.candidates)})`;
    source = 'SELECT p.*, candidate.score FROM candidate JOIN product p ON p.seq = candidate.seq';
  }
  const sort = CARD_SORTS[query.sort];
  const where: string[] = [];
  if (query.status !== undefined) where.push(`status = ${q.bind(query.status)}`);
  if (query.categoryIds !== undefined) {
    where.push(`category_id IN (${query.categoryIds.map((id) => q.bind(id)).join(', ')})`);
  }
  if (query.minPrice !== undefined) where.push(`min_price >= ${q.bind(query.minPrice)}`);
  if (query.maxPrice !== undefined) where.push(`min_price <= ${q.bind(query.maxPrice)}`);
  if (query.inStock === true) where.push('stock_total > 0');
  if (query.after !== undefined) where.push(q.bindEach(sort.after, query.after));
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  q.text = `${candidates}
    SELECT seq, id, slug, name, status, min_price, (images::jsonb)->>0 AS image_url,
           stock_total, rating_avg, rating_count, created_at, score, category_slug, category_name
    FROM (${source}) AS listed LEFT JOIN (${CATEGORY_NAMES}) AS c ON category_key = category_id ${filter}
    ORDER BY ${sort.orderBy}
    LIMIT ${rowCount(query.rows)}`;
  return q;
}

/**
 * The most list shapes this process names. Each connection keeps every statement it prepared, so
 * this bounds what a client cycling through shapes (page sizes, sorts, filters) can make each one
 * hold; further shapes are sent unnamed, as before.
 */
const MAX_NAMED = 100;
const names = new Map<string, string>();

/** Sorts that an index on (category_id, status, sort keys) serves in order. */
const CATEGORY_INDEXED_SORTS: ReadonlySet<CardListQuery['sort']> = new Set([
  'newest',
  'price_asc',
  'price_desc',
]);

/**
 * Whether a list is sent as a named prepared statement. PostgreSQL then parses it once per
 * connection and keeps one generic plan for every value (the pool's plan_cache_mode, client.ts): planning the 20-card
 * list cost more than running it (about 150 of 250 µs of PostgreSQL CPU). That is right only when
 * the plan is one index read in the sort's order whatever the values: a status and a category
 * (index equalities; a category with the sorts its indexes serve), the stock filter, a cursor (a
 * keyset bound). Lists whose best plan depends on their values are sent unnamed and planned with
 * them: a price range (narrow: read the price index and sort; wide: read the sort's index and
 * filter), several categories (a subtree), one category sorted by rating (a small category is
 * read through its own index and sorted, a large one through the rating index), and a search
 * (its text also varies with the number of words).
 */
function isNamed(query: CardListQuery): boolean {
  if (query.search !== null || query.minPrice !== undefined || query.maxPrice !== undefined) return false;
  if (query.categoryIds === undefined) return true;
  return query.categoryIds.length === 1 && CATEGORY_INDEXED_SORTS.has(query.sort);
}

/**
 * The statement name of a list query's text (the same in every process; node-postgres skips the
 * Parse of a name its connection already prepared), or undefined once MAX_NAMED shapes are named.
 */
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `catalog_cards_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** The card rows of one page, read as arrays of values (see cardRowOf); named when isNamed. */
export async function cardRows(db: PgExecutor, query: CardListQuery): Promise<CardRow[]> {
  const { text, params } = cardListQuery(query);
  const name = isNamed(query) ? statementName(text) : undefined;
  const prepared = db._.session.prepareQuery<{ execute: CardRow[]; all: unknown; values: unknown }>(
    { sql: text, params },
    undefined,
    name,
    true,
    (rows) => rows.map(cardRowOf),
  );
  return prepared.execute();
}
