/**
 * The PostgreSQL reference for `npm run bench`: a bare node:http server with `pg` (named prepared
 * statements, one pool) answering the same catalogue reads on the same database with the same JSON
 * as Backroom. Search: every word must match, the last as a prefix, ranked name > SKU > description.
 */
import { createServer } from 'node:http';
import pg from 'pg';

pg.types.setTypeParser(20, (value: string) => Number(value)); // bigint → number, as Backroom reads it
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const currency = 'USD';

const cardColumns = `p.seq, p.id, p.slug, p.name, p.min_price, (p.images::jsonb)->>0 AS image_url, p.stock_total,
  p.rating_avg, p.rating_count, p.created_at, c.slug AS category_slug, c.name AS category_name`;
const NEWEST = `SELECT ${cardColumns} FROM product p LEFT JOIN category c ON c.id = p.category_id
  WHERE p.status = 'active' ORDER BY p.created_at DESC, p.seq DESC LIMIT $1`;
const SEARCH = `SELECT ${cardColumns} FROM product_search s JOIN product p ON p.seq = s.seq
  LEFT JOIN category c ON c.id = p.category_id
  WHERE s.document @@ to_tsquery('simple', $1) AND p.status = 'active'
  ORDER BY ts_rank('{0.1, 0.1, 0.5, 1.0}', s.document, to_tsquery('simple', $1)) DESC, p.seq ASC LIMIT $2`;
const PRODUCT = `SELECT p.id, p.slug, p.name, p.description, p.images, p.rating_avg, p.rating_count,
  p.created_at, c.id AS category_id, c.slug AS category_slug, c.name AS category_name
  FROM product p LEFT JOIN category c ON c.id = p.category_id WHERE p.slug = $1 AND p.status = 'active'`;
const VARIANTS = `SELECT id, sku, name, price, compare_at_price AS "compareAtPrice", stock AS available,
  weight_grams AS "weightGrams" FROM variant WHERE product_id = $1 ORDER BY position, created_at`;

/** Words of letters and digits, accents stripped; the last as a prefix. Never raw input in the query. */
function toTsQuery(text: string): string | null {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0) return null;
  return words.map((w, i) => (i === words.length - 1 ? `'${w}':*` : `'${w}'`)).join(' & ');
}

type Row = Record<string, string | number | null>;
const rows = async (name: string, text: string, values: unknown[]) =>
  (await pool.query<Row>({ name, text, values })).rows;
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
const page = (found: Row[], limit: number) => ({
  items: found.slice(0, limit).map(card),
  nextCursor: found.length > limit ? 'cursor' : null,
});

async function answer(pathname: string, input: { q?: string; limit?: number; slug?: string }) {
  if (pathname === '/trpc/catalog.products') {
    const limit = input.limit ?? 20;
    const query = input.q ? toTsQuery(input.q) : null;
    return page(
      query ? await rows('search', SEARCH, [query, limit + 1]) : await rows('newest', NEWEST, [limit + 1]),
      limit,
    );
  }
  if (pathname === '/trpc/catalog.product') {
    const [p] = await rows('product', PRODUCT, [input.slug]);
    if (!p) return undefined;
    return {
      id: p.id,
      slug: p.slug,
      name: p.name,
      description: p.description,
      category: p.category_id ? { id: p.category_id, slug: p.category_slug, name: p.category_name } : null,
      images: JSON.parse(String(p.images)),
      rating: rating(Number(p.rating_avg), Number(p.rating_count)),
      variants: await rows('variants', VARIANTS, [p.id]),
      createdAt: new Date(Number(p.created_at)).toISOString(),
      currency,
    };
  }
  return undefined;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const input = JSON.parse(url.searchParams.get('input') ?? '{}');
  answer(url.pathname, input).then(
    (data) => {
      if (data === undefined) res.writeHead(404).end();
      else
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { data } }));
    },
    () => res.writeHead(500).end(),
  );
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('reference listening'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
