import type { CardRow, ProductStatus } from './stores/catalog.js';

/**
 * A card row from the card query's values in select order (both engines select `seq, id, slug,
 * name, status, min_price, image_url, stock_total, rating_avg, rating_count, created_at, score,
 * category_slug, category_name`), each checked for its type: an array per row is what both drivers
 * return cheapest (better-sqlite3 builds a row object property by property; the cards are built
 * from the values anyway), and the checks cost less than that and replace an unchecked cast.
 */
export function cardRowOf(values: unknown): CardRow {
  if (!Array.isArray(values) || values.length !== 14) throw new TypeError('Not a card row');
  const row: unknown[] = values;
  return {
    seq: num(row, 0),
    id: str(row, 1),
    slug: str(row, 2),
    name: str(row, 3),
    status: status(row, 4),
    min_price: num(row, 5),
    image_url: strOrNull(row, 6),
    stock_total: num(row, 7),
    rating_avg: num(row, 8),
    rating_count: num(row, 9),
    created_at: num(row, 10),
    score: numOrNull(row, 11),
    category_slug: strOrNull(row, 12),
    category_name: strOrNull(row, 13),
  };
}

function wrong(index: number, expected: string): TypeError {
  return new TypeError(`Card row column ${index} is not ${expected}`);
}

function num(row: unknown[], index: number): number {
  const value = row[index];
  if (typeof value !== 'number') throw wrong(index, 'a number');
  return value;
}

function numOrNull(row: unknown[], index: number): number | null {
  const value = row[index];
  if (value !== null && typeof value !== 'number') throw wrong(index, 'a number or null');
  return value;
}

function str(row: unknown[], index: number): string {
  const value = row[index];
  if (typeof value !== 'string') throw wrong(index, 'a string');
  return value;
}

function strOrNull(row: unknown[], index: number): string | null {
  const value = row[index];
  if (value !== null && typeof value !== 'string') throw wrong(index, 'a string or null');
  return value;
}

function status(row: unknown[], index: number): ProductStatus {
  const value = row[index];
  if (value === 'active' || value === 'draft' || value === 'archived') return value;
  throw wrong(index, 'a product status');
}
