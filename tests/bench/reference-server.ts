/**
 * The reference for `npm run bench`: a bare node:http server with better-sqlite3 prepared
 * statements answering the same catalogue reads on the same file with the same JSON as Backroom.
 */
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { toFtsQuery } from '../../server/domain/search-query.js';

const db = new Database(process.env.DATABASE_PATH ?? '', { readonly: true });
db.pragma('busy_timeout = 5000');
const currency = 'USD';

const cardColumns = `seq, id, slug, name, min_price, json_extract(images, '$[0]') AS image_url, stock_total,
  rating_avg, rating_count, created_at,
  (SELECT c.slug FROM category c WHERE c.id = category_id) AS category_slug,
  (SELECT c.name FROM category c WHERE c.id = category_id) AS category_name`;
const newest = db.prepare(
  `SELECT ${cardColumns} FROM product WHERE status = 'active' ORDER BY created_at DESC, seq DESC LIMIT ?`,
);
const search = db.prepare(`SELECT ${cardColumns} FROM (
    SELECT p.*, bm25(product_search, 10.0, 1.0, 5.0) AS score FROM product_search
    JOIN product p ON p.seq = product_search.rowid WHERE product_search MATCH ?)
  WHERE status = 'active' ORDER BY score ASC, seq ASC LIMIT ?`);
const productBySlug =
  db.prepare(`SELECT p.id, p.slug, p.name, p.description, p.images, p.rating_avg, p.rating_count,
  p.created_at, c.id AS category_id, c.slug AS category_slug, c.name AS category_name
  FROM product p LEFT JOIN category c ON c.id = p.category_id WHERE p.slug = ? AND p.status = 'active'`);
const variantsOf =
  db.prepare(`SELECT id, sku, name, price, compare_at_price AS compareAtPrice, stock AS available,
  weight_grams AS weightGrams FROM variant WHERE product_id = ? ORDER BY position, created_at`);

type Row = Record<string, string | number | null>;
const rating = (avg: number, count: number) => ({
  average: count > 0 ? Math.round(avg * 100) / 100 : null,
  count,
});
const card = (r: Row) => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  price: r.min_price,
  currency,
  imageUrl: r.image_url,
  inStock: Number(r.stock_total) > 0,
  rating: rating(Number(r.rating_avg), Number(r.rating_count)),
  category: r.category_slug === null ? null : { slug: r.category_slug, name: r.category_name },
});
const page = (rows: Row[], limit: number) => ({
  items: rows.slice(0, limit).map(card),
  nextCursor: rows.length > limit ? 'cursor' : null,
});

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const input = JSON.parse(url.searchParams.get('input') ?? '{}') as {
    q?: string;
    limit?: number;
    slug?: string;
  };
  let data: unknown;
  if (url.pathname === '/trpc/catalog.products') {
    const limit = input.limit ?? 20;
    const match = input.q ? toFtsQuery(input.q) : null;
    data = page((match ? search.all(match, limit + 1) : newest.all(limit + 1)) as Row[], limit);
  } else if (url.pathname === '/trpc/catalog.product') {
    const p = productBySlug.get(input.slug) as Row | undefined;
    if (!p) {
      res.writeHead(404).end();
      return;
    }
    data = {
      id: p.id,
      slug: p.slug,
      name: p.name,
      description: p.description,
      category: p.category_id ? { id: p.category_id, slug: p.category_slug, name: p.category_name } : null,
      images: JSON.parse(String(p.images)),
      rating: rating(Number(p.rating_avg), Number(p.rating_count)),
      variants: variantsOf.all(p.id),
      createdAt: new Date(Number(p.created_at)).toISOString(),
      currency,
    };
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { data } }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('reference listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
