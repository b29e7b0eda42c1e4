import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database, { type Statement } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase, type Sqlite } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { createSqliteStores } from '../../db/sqlite/stores.js';
import type { Stores } from '../../db/stores/index.js';
import { manualPayments } from '../../server/integrations/payments/manual.js';
import { changeCart } from '../../server/services/cart/cart-writes.js';
import { generateCatalogOn } from '../../server/services/catalog/generate-catalog.js';
import {
  findProduct,
  listCategories,
  listProducts,
  listProductsForAdmin,
  SEARCH_CANDIDATES,
} from '../../server/services/catalog/products.js';
import { ledger, lowStock } from '../../server/services/catalog/stock.js';
import { placeOrder } from '../../server/services/orders/place-order.js';
import { createTestApp } from '../helpers/app.js';
import { ADDRESS } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/server-process.js';

const run = promisify(execFile);
const PRODUCTS = 100_000;

let database: DatabaseHandle;
/** The stores on the write connection, whose statements recordQueries sees. */
let stores: Stores;
let databasePath: string;
const recorded: { sql: string; params: unknown[] }[] = [];
const EXECUTE = new Set(['all', 'get', 'run', 'iterate']);

/**
 * Records every statement the code runs, with its values, at the driver: whatever path a query
 * takes (Drizzle, a prepared query, the statement cache), it ends in `prepare` and then runs.
 */
function recordQueries(sqlite: Sqlite) {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    const recording: Statement = new Proxy(statement, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        if (EXECUTE.has(String(key))) {
          return (...args: unknown[]) => {
            recorded.push({ sql: source, params: args });
            return value.apply(target, args);
          };
        }
        // raw()/pluck()/expand() return the statement itself: keep returning the recording one.
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result === target ? recording : result;
        };
      },
    });
    return recording;
  }) as typeof sqlite.prepare;
}

// SQLite-only by nature: FTS5 search plans and EXPLAIN QUERY PLAN on a 100k-product file database
// opened here (the app below names its DATABASE_PATH), so it runs on SQLite whatever TEST_ENGINE says.
beforeAll(async () => {
  databasePath = join(tempDir(), 'large.db');
  database = openDatabase(databasePath);
  await generateCatalogOn(createSqliteEngine(database), { products: PRODUCTS, now: Date.UTC(2026, 0, 1) });
  recordQueries(database.sqlite);
  stores = createSqliteStores(database.db);
}, 180_000);
afterAll(() => database.close());

const FULL_SCAN = /^SCAN (product|p|variant|v|inventory_movement)\b(?!.*\bUSING\b)/;

describe(`a ${PRODUCTS.toLocaleString('en')}-product catalogue`, () => {
  it('is consistent after generation: prices, stock, ledger and search agree', async () => {
    const one = (query: string) => database.sqlite.prepare(query).pluck().get();
    expect(one('SELECT count(*) FROM product')).toBe(PRODUCTS);
    expect(
      one(
        'SELECT count(*) FROM product p WHERE min_price <> (SELECT min(price) FROM variant WHERE product_id = p.id)',
      ),
    ).toBe(0);
    expect(
      one(
        'SELECT count(*) FROM product p WHERE stock_total <> (SELECT sum(stock) FROM variant WHERE product_id = p.id)',
      ),
    ).toBe(0);
    expect(
      one(
        `SELECT count(*) FROM variant v WHERE stock <> (SELECT coalesce(sum(delta), 0) FROM inventory_movement WHERE variant_id = v.id)`,
      ),
    ).toBe(0);
    const sku = one('SELECT sku FROM variant ORDER BY sku DESC LIMIT 1') as string;
    const found = await listProductsForAdmin(stores, { q: sku, limit: 5 }, 'USD');
    expect(found.items).toHaveLength(1);
    expect(database.sqlite.pragma('foreign_key_check')).toEqual([]);
  });

  it('serves every catalogue query shape from an index (EXPLAIN QUERY PLAN)', async () => {
    const leaf = database.sqlite
      .prepare('SELECT slug FROM category WHERE parent_id IS NOT NULL LIMIT 1')
      .pluck()
      .get() as string;
    const parent = database.sqlite
      .prepare('SELECT slug FROM category WHERE parent_id IS NULL LIMIT 1')
      .pluck()
      .get() as string;
    const anyProduct = database.sqlite
      .prepare("SELECT slug, id FROM product WHERE status = 'active' LIMIT 1")
      .get() as { slug: string; id: string };
    const anyVariant = database.sqlite.prepare('SELECT id FROM variant LIMIT 1').pluck().get() as string;

    recorded.length = 0;
    const db = stores;
    const sorts = ['newest', 'price_asc', 'price_desc', 'rating', 'relevance'] as const;
    for (const sort of sorts) {
      const first = await listProducts(db, { sort, limit: 20 }, 'USD');
      await listProducts(db, { sort, limit: 20, cursor: first.nextCursor ?? undefined }, 'USD');
      await listProducts(db, { sort, limit: 20, category: leaf }, 'USD');
      await listProducts(db, { sort, limit: 20, category: parent, inStock: true }, 'USD');
      await listProducts(db, { sort, limit: 20, minPrice: 1000, maxPrice: 5000 }, 'USD');
      const searched = await listProducts(db, { sort, limit: 20, q: 'canvas back' }, 'USD');
      await listProducts(
        db,
        { sort, limit: 20, q: 'canvas back', cursor: searched.nextCursor ?? undefined },
        'USD',
      );
    }
    await listProductsForAdmin(db, { limit: 20 }, 'USD');
    await listProductsForAdmin(db, { limit: 20, status: 'draft' }, 'USD');
    await listProductsForAdmin(db, { limit: 20, q: 'leather' }, 'USD');
    await findProduct(db, { slug: anyProduct.slug }, { activeOnly: true });
    await findProduct(db, { id: anyProduct.id }, { activeOnly: false });
    await listCategories(db);
    await lowStock(db, { threshold: 5, limit: 100 });
    await ledger(db, { variantId: anyVariant, limit: 20 });

    expect(recorded.length).toBeGreaterThan(40);
    expect(new Set(recorded.map((q) => q.sql)).size).toBeGreaterThan(15);
    const scans: string[] = [];
    const queries = recorded.filter((q) => !q.sql.startsWith('EXPLAIN'));
    for (const { sql, params } of queries) {
      const plan = database.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as {
        detail: string;
      }[];
      for (const { detail } of plan)
        if (FULL_SCAN.test(detail)) scans.push(`${detail}  ←  ${sql.slice(0, 120)}`);
    }
    expect(scans).toEqual([]);
  }, 60_000);

  it('serves every statement of placeOrder from an index (EXPLAIN QUERY PLAN)', async () => {
    const { sqlite } = database;
    const now = Date.UTC(2026, 0, 2);
    const variantId = sqlite
      .prepare(
        "SELECT v.id FROM variant v JOIN product p ON p.id = v.product_id WHERE p.status = 'active' AND v.stock > 0 LIMIT 1",
      )
      .pluck()
      .get() as string;
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('plan-buyer', 'plan@example.com', 'Plan', 'x', 0, 0)",
      )
      .run();
    sqlite
      .prepare(
        "INSERT INTO shipping_option (id, name, countries, price, min_days, max_days, created_at) VALUES ('plan-ship', 'Plan', '[]', 500, 1, 3, 0)",
      )
      .run();
    const user = { id: 'plan-buyer', email: 'plan@example.com', name: 'Plan', role: 'customer' as const };
    const engine = createSqliteEngine(database);
    const buy = async (key: string) => {
      recorded.length = 0;
      await changeCart(engine, { userId: user.id }, { kind: 'add', variantId, quantity: 1 }, now);
      await placeOrder(
        { engine, payments: manualPayments, currency: 'USD', now },
        { ...user, emailVerified: false, createdAt: 0 },
        { idempotencyKey: key, shippingAddress: ADDRESS, shippingOptionId: 'plan-ship' },
      );
      return [...recorded];
    };
    await buy('plan-key-0001');
    const statements = await buy('plan-key-0002'); // the second order: prepared statements, warm
    expect(statements.length).toBeGreaterThan(15);
    const scans: string[] = [];
    for (const { sql, params } of statements) {
      if (!/^(SELECT|INSERT|UPDATE|DELETE|WITH)/i.test(sql)) continue; // BEGIN, SAVEPOINT, COMMIT
      const plan = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as {
        detail: string;
      }[];
      // The webhook subscriptions are read whole: a handful of rows by design. A multi-row VALUES
      // list (the live events of the order) is a scan of its own constant rows, not of a table.
      for (const { detail } of plan)
        if (
          /^SCAN (?!webhook\b|\d+-ROW VALUES CLAUSE)/.test(detail) &&
          !/USING (COVERING )?INDEX/.test(detail)
        )
          scans.push(`${detail}  ←  ${sql.slice(0, 120)}`);
    }
    expect(scans).toEqual([]);
  }, 60_000);

  it('pages the whole generated catalogue by price without repeats or gaps', async () => {
    const active = database.sqlite
      .prepare("SELECT count(*) FROM product WHERE status = 'active'")
      .pluck()
      .get();
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listProducts(
        stores,
        { sort: 'price_asc', limit: 100, ...(cursor && { cursor }) },
        'USD',
      );
      for (const item of page.items) seen.add(item.id);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 2000);
    expect(seen.size).toBe(active);
  }, 60_000);
});

describe('no search can stall the shop (100k products)', () => {
  const sorts = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating'] as const;
  /** The broadest searches: one letter, the commonest words, a digit, many words with a short prefix. */
  const broad = [
    'a',
    's',
    '1',
    'and to a',
    'built to last and easy to repair a favourite of our customers fo',
  ];

  it('reads candidates from the search index once, then products by rowid: every sort, with filters', async () => {
    const parent = database.sqlite
      .prepare('SELECT slug FROM category WHERE parent_id IS NULL LIMIT 1')
      .pluck()
      .get() as string;
    recorded.length = 0;
    for (const q of broad) {
      for (const sort of sorts) {
        const first = await listProducts(stores, { q, sort, limit: 100 }, 'USD');
        await listProducts(stores, { q, sort, limit: 100, cursor: first.nextCursor ?? undefined }, 'USD');
        await listProducts(stores, { q, sort, limit: 100, minPrice: 100, maxPrice: 3_000_000 }, 'USD');
        await listProducts(stores, { q, sort, limit: 100, category: parent, inStock: true }, 'USD');
      }
    }
    const searches = recorded.filter((r) => r.sql.includes('MATCH'));
    expect(searches.length).toBe(broad.length * sorts.length * 4);
    const wrong: string[] = [];
    for (const { sql, params } of searches) {
      const plan = (
        database.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as {
          detail: string;
        }[]
      ).map((row) => row.detail);
      // The index is scanned once, in rowid order with a LIMIT; never probed per product row (`=M`).
      const once =
        plan.filter((d) => d.startsWith('SCAN product_search VIRTUAL TABLE')).length === 1 &&
        !plan.some((d) => /VIRTUAL TABLE INDEX \d+:=/.test(d));
      const byRowid = plan.some((d) => /^SEARCH p USING INTEGER PRIMARY KEY/.test(d));
      const productFirst = plan.findIndex((d) => /^(SCAN|SEARCH) p\b/.test(d));
      const candidatesFirst = plan.findIndex((d) => d.startsWith('SCAN product_search'));
      // The candidate step is bounded: its LIMIT is SEARCH_CANDIDATES.
      const bounded = /ORDER BY rowid DESC LIMIT \?\)/.test(sql) && params[1] === SEARCH_CANDIDATES;
      if (!once || !byRowid || !bounded || productFirst < candidatesFirst)
        wrong.push(`${plan.join(' | ')}  ←  ${params[0]}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('reads a wide price range through the sort index and a narrow one through the price index', async () => {
    const planOf = async (input: { minPrice: number; maxPrice: number; sort: 'newest' | 'rating' }) => {
      recorded.length = 0;
      await listProducts(stores, { ...input, limit: 100 }, 'USD');
      const list = recorded.find((r) => r.sql.includes('ORDER BY'));
      if (!list) throw new Error('no list query recorded');
      return (
        database.sqlite.prepare(`EXPLAIN QUERY PLAN ${list.sql}`).all(...(list.params as unknown[])) as {
          detail: string;
        }[]
      )
        .map((row) => row.detail)
        .join(' | ');
    };
    for (const sort of ['newest', 'rating'] as const) {
      // Most of the catalogue: sorting the whole range would read ~90,000 rows.
      const wide = await planOf({ minPrice: 100, maxPrice: 3_000_000, sort });
      expect(wide).not.toContain('product_status_price_idx');
      expect(wide).not.toContain('TEMP B-TREE');
      // No product at this price: walking the sort index would read every row.
      expect(await planOf({ minPrice: 2_999_999, maxPrice: 2_999_999, sort })).toContain(
        'product_status_price_idx',
      );
    }
  });

  it(`sorts a search matching more than ${SEARCH_CANDIDATES.toLocaleString('en')} products within its newest ${SEARCH_CANDIDATES.toLocaleString('en')} matches`, async () => {
    const matches = database.sqlite
      .prepare(`SELECT count(*) FROM product_search WHERE product_search MATCH '"a"*'`)
      .pluck()
      .get() as number;
    expect(matches).toBeGreaterThan(5 * SEARCH_CANDIDATES);
    const expected = database.sqlite
      .prepare(
        `SELECT p.id FROM (SELECT rowid AS seq FROM product_search WHERE product_search MATCH '"a"*'
           ORDER BY rowid DESC LIMIT ?) c JOIN product p ON p.seq = c.seq
         WHERE p.status = 'active' ORDER BY p.min_price ASC, p.seq ASC LIMIT 100`,
      )
      .pluck()
      .all(SEARCH_CANDIDATES);
    const got = await listProducts(stores, { q: 'a', sort: 'price_asc', limit: 100 }, 'USD');
    expect(got.items.map((item) => item.id)).toEqual(expected);
    // Paging stays within the same candidates: no repeats, and it ends within them.
    const seen = new Set<string>();
    let served = 0;
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listProducts(stores, { q: 'a', sort: 'rating', limit: 100, cursor }, 'USD');
      for (const item of page.items) seen.add(item.id);
      served += page.items.length;
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 200);
    expect(cursor).toBeUndefined();
    expect(seen.size).toBe(served);
    expect(served).toBeGreaterThan(SEARCH_CANDIDATES / 2);
    expect(served).toBeLessThanOrEqual(SEARCH_CANDIDATES);
  }, 60_000);

  it('answers /healthz while an anonymous GET batch of 20 broad searches runs', async () => {
    const app = await createTestApp({ DATABASE_PATH: databasePath });
    const server = { url: await app.url() };
    const seen: string[] = [];
    // Searches run on the engine's read-only connection, not on app.deps.sqlite (the write
    // connection): watch every connection's prepared MATCH statements.
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (this: Sqlite, source: string) {
      const statement: Statement = prepare.call(this, source);
      if (!source.includes('MATCH')) return statement;
      const all = statement.all.bind(statement);
      statement.all = ((...args: unknown[]) => {
        seen.push(source);
        return all(...args);
      }) as typeof statement.all;
      return statement;
    } as typeof prepare;
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const calls = Array.from({ length: 20 }, (_, i) => ({
        q: broad[i % broad.length],
        sort: sorts[i % sorts.length],
        limit: 100,
      }));
      const input = Object.fromEntries(calls.map((call, i) => [String(i), call]));
      const path = `/trpc/${calls.map(() => 'catalog.products').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
      const batch = fetch(`${server.url}${path}`);
      while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
      const health = await fetch(`${server.url}/healthz`);
      const searchesBeforeHealth = seen.length;
      const answers = (await (await batch).json()) as { result?: { data: { items: unknown[] } } }[];
      expect(health.status).toBe(200);
      expect(answers).toHaveLength(20);
      for (const answer of answers) expect(answer.result?.data.items).toHaveLength(100);
      expect(seen).toHaveLength(20);
      // Answered between two searches of the batch, not after all of them.
      expect(searchesBeforeHealth).toBeLessThan(20);
    } finally {
      Database.prototype.prepare = prepare;
      await app.close();
    }
  }, 60_000);
});

describe('npm run db:seed', () => {
  it('generates a catalogue with --products, with a progress line', async () => {
    const path = join(tempDir(), 'seeded.db');
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'db:seed', '--', '--products', '3000'], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_PATH: path },
    });
    expect(stdout).toMatch(/generated 3000 products, \d+ variants/);
    expect(stderr).toContain('3000/3000 products');
    const check = openDatabase(path);
    expect(check.sqlite.prepare('SELECT count(*) FROM product').pluck().get()).toBe(3000);
    check.close();
  }, 60_000);
});
