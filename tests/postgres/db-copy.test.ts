import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../db/postgres/client.js';
import { TABLES } from '../../db/postgres/copy-tables.js';
import * as pgSchema from '../../db/postgres/schema/index.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import * as liteSchema from '../../db/sqlite/schema/index.js';
import { seedDemoStore } from '../../server/services/catalog/demo-catalog.js';
import { generateCatalogOn } from '../../server/services/catalog/generate-catalog.js';
import { createTestApp } from '../helpers/app.js';
import { adminClient } from '../helpers/catalog.js';
import { createTestClient } from '../helpers/client.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
  urlWith,
} from '../helpers/postgres.js';
import { tempDir } from '../helpers/server-process.js';
import { customer, placeOrder, setupShop } from '../helpers/shop.js';
import { ROOT } from '../helpers/start-command.js';

const run = promisify(execFile);
const unavailable = await postgresUnavailable();
const PASSWORD = 'Copy-Secret-99';

/** `npm run db:copy -- --from FILE --to URL`, as docs/operations.md says; resolves with its exit code and output. */
async function dbCopy(from: string, to: string) {
  try {
    const { stdout, stderr } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/db-copy.ts', '--from', from, '--to', to],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every table's rows, read through each engine's own schema (so both are typed the same), sorted. */
async function everyTable(file: string, url: string) {
  const source = openDatabase(file, { migrate: false });
  const target = await openPostgres(url, { poolSize: 2, onIdleError: logIdleError });
  const liteDb = drizzle(source.sqlite);
  const compared: { name: string; sqlite: string[]; postgres: string[] }[] = [];
  try {
    for (const [key, table] of Object.entries(liteSchema)) {
      if (!is(table, SQLiteTable)) continue;
      const twin = Object.entries(pgSchema).find(([other]) => other === key)?.[1];
      if (!is(twin, PgTable)) throw new Error(`no PostgreSQL table for ${key}`);
      const sort = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
      compared.push({
        name: key,
        sqlite: sort(liteDb.select().from(table).all()),
        postgres: sort(await target.db.select().from(twin)),
      });
    }
  } finally {
    source.close();
    await target.close();
  }
  return compared;
}

/**
 * Places `count` orders through the real API on a shop with its own products, plus a cart left
 * open; the buyers' credentials, to use the shop again on its copy.
 */
async function ordersThroughTheApi(file: string, count: number) {
  const app = await createTestApp({ DATABASE_PATH: file });
  try {
    const shop = await setupShop(app);
    const buyers: { email: string; password: string }[] = [];
    for (let i = 0; i < count; i++) {
      const { client, account } = await customer(app);
      await placeOrder(client, shop, [
        { variantId: shop.white, quantity: 1 + (i % 2) },
        { variantId: shop.lampVariant, quantity: 1 },
      ]);
      buyers.push(account);
    }
    const guest = createTestClient(app);
    await guest.cart.addItem.mutate({ variantId: shop.blue, quantity: 2 });
    const { admin: _admin, ...ids } = shop;
    return { shop: ids, buyers };
  } finally {
    await app.close();
  }
}

/**
 * The shop served from its copy through the real API: a buyer signs in with the password set on
 * SQLite and finds their order, searches the catalogue, orders again (stock taken from the copied
 * level, the order numbered after the copied ones); the admin sees every order.
 */
async function serveTheCopy(url: string, placed: Awaited<ReturnType<typeof ordersThroughTheApi>>) {
  const app = await createTestApp({ DATABASE_URL: url });
  try {
    const [buyer] = placed.buyers;
    if (!buyer) throw new Error('no buyer');
    const client = createTestClient(app);
    await client.auth.signIn.mutate({ email: buyer.email, password: buyer.password });
    const mine = await client.orders.list.query({});
    expect(mine.items).toHaveLength(1);
    const found = await client.catalog.products.query({ q: 'stonew', limit: 10 });
    expect(found.items.map((item) => item.slug)).toContain('mug');
    const before = await client.catalog.product.query({ slug: 'mug' });
    const white = (p: typeof before) => p.variants.find((v) => v.id === placed.shop.white)?.available;
    const highest = Math.max(...(await numbersOf(url)));
    const again = await placeOrder(client, { ...placed.shop, admin: client }, [
      { variantId: placed.shop.white, quantity: 1 },
    ]);
    expect(again.order.number).toBeGreaterThan(highest);
    expect(white(await client.catalog.product.query({ slug: 'mug' }))).toBe((white(before) ?? 0) - 1);
    const admin = await adminClient(app);
    const all = await admin.admin.orders.list.query({ limit: 100 });
    expect(all.items).toHaveLength(placed.buyers.length + 1);
  } finally {
    await app.close();
  }
}

/** Every order number in the database at `url`. */
async function numbersOf(url: string) {
  const handle = await openPostgres(url, { poolSize: 1, onIdleError: logIdleError });
  try {
    return (await handle.pool.query<{ number: number }>('SELECT number FROM customer_order')).rows.map(
      (row) => row.number,
    );
  } finally {
    await handle.close();
  }
}

describe.skipIf(unavailable)(
  suiteTitle('npm run db:copy: an SQLite shop into an empty PostgreSQL database', unavailable),
  () => {
    const databases: TestDatabase[] = [];
    const dirs: string[] = [];
    afterAll(async () => {
      for (const database of databases) await database.drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    const newTarget = async () => {
      const database = await createTestDatabase();
      databases.push(database);
      return { database, url: urlWith(database.name, { user: 'postgres', password: PASSWORD }) };
    };
    const newFile = () => {
      const dir = tempDir();
      dirs.push(dir);
      return join(dir, 'shop.db');
    };

    it('copies every table', () => {
      const liteTables = Object.values(liteSchema).filter((t) => is(t, SQLiteTable)).length;
      expect(TABLES).toHaveLength(liteTables);
    });

    it('copies the demo store with orders placed through the API: every row equal, source untouched, the shop serves from the copy', async () => {
      const file = newFile();
      const seeded = openDatabase(file);
      await seedDemoStore(createSqliteEngine(seeded), Date.UTC(2026, 4, 1));
      seeded.close();
      const placed = await ordersThroughTheApi(file, 3);
      const before = sha256(file);
      const { database, url } = await newTarget();

      const result = await dbCopy(file, url);
      expect(result.stderr).toContain('db:copy: product: 0/');
      expect(result.stderr).toMatch(/verified customer_order: 3 rows/);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^copied \\d+ rows in ${TABLES.length} tables .* to 127\\.0\\.0\\.1:5432/${database.name} .*counts and checksums match\\n$`,
        ),
      );
      expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
      expect(sha256(file)).toBe(before);

      const tables = await everyTable(file, database.url);
      for (const table of tables) expect(table.postgres, table.name).toEqual(table.sqlite);
      const rows = Object.fromEntries(tables.map((t) => [t.name, t.sqlite.length]));
      expect(rows).toMatchObject({ customerOrder: 3, orderLine: 6, cartItem: 1 });
      expect(rows.product).toBeGreaterThan(50);
      expect(rows.session).toBeGreaterThan(0);

      // Search entries are rebuilt and ids continue after the copied ones.
      const target = await openPostgres(database.url, { poolSize: 1, onIdleError: logIdleError });
      try {
        const search = await target.pool.query<{ n: number }>('SELECT count(*) AS n FROM product_search');
        expect(search.rows[0]?.n).toBe(rows.product);
        for (const [table, column] of [
          ['product', 'seq'],
          ['inventory_movement', 'id'],
          ['order_line', 'id'],
          ['order_event', 'id'],
        ]) {
          const { rows: next } = await target.pool.query<{ max: number; next: number }>(
            `SELECT (SELECT max(${column}) FROM ${table}) AS max, nextval(pg_get_serial_sequence('${table}', '${column}')) AS next`,
          );
          expect(next[0]?.next, table).toBeGreaterThan(next[0]?.max ?? 0);
        }
      } finally {
        await target.close();
      }

      // A second copy into the now non-empty database is refused with exit code 2; nothing changes.
      const again = await dbCopy(file, url);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(
        /^db:copy: target database "backroom_t_\w+" is not empty \(.*product.*\); db:copy only fills an empty database\n$/,
      );
      expect((await everyTable(file, database.url)).map((t) => t.postgres.length)).toEqual(
        tables.map((t) => t.sqlite.length),
      );

      await serveTheCopy(database.url, placed);
    });

    it('copies a generated 10k catalogue with orders: every row equal, the shop serves from the copy', async () => {
      const file = newFile();
      const made = openDatabase(file);
      const generated = await generateCatalogOn(createSqliteEngine(made), {
        products: 10_000,
        now: Date.UTC(2026, 4, 1),
      });
      made.close();
      const placed = await ordersThroughTheApi(file, 4);
      const before = sha256(file);
      const { database, url } = await newTarget();

      const result = await dbCopy(file, url);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`verified variant: ${generated.variants + 4} rows`);
      expect(sha256(file)).toBe(before);
      for (const table of await everyTable(file, database.url))
        expect(table.postgres, table.name).toEqual(table.sqlite);
      await serveTheCopy(database.url, placed);
    }, 120_000); // a 10k catalogue generated and copied: ~20 s alone, over 30 s on a loaded 2-core machine

    it('a copy that fails after migrating the target says so: the schema is there, no row is', async () => {
      const { database, url } = await newTarget();
      const file = newFile();
      const seeded = openDatabase(file);
      try {
        await seedDemoStore(createSqliteEngine(seeded), Date.UTC(2026, 4, 1));
        // SQLite keeps a NUL in text; PostgreSQL refuses it, so the copy fails inside its transaction.
        seeded.sqlite.exec(
          'UPDATE product SET name = name || char(0) WHERE rowid = (SELECT min(rowid) FROM product)',
        );
      } finally {
        seeded.close();
      }
      const failed = await dbCopy(file, url);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/; the schema was migrated, no rows were copied\n$/);
      expect(failed.stderr).not.toContain('nothing was committed');
      const target = await openPostgres(database.url, { poolSize: 1, onIdleError: logIdleError });
      try {
        const { rows } = await target.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM product');
        expect(rows[0]?.n).toBe(0);
      } finally {
        await target.close();
      }
    });

    it('refuses bad usage and a missing source with exit code 2, an unreachable target with exit 1; no password printed', async () => {
      const { url } = await newTarget();
      const missing = await dbCopy(newFile().replace(/shop\.db$/, 'none.db'), url);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^db:copy: source .*none\.db does not exist\n$/);
      const usage = await dbCopy('x.db', `mysql://root:${PASSWORD}@db/shop`);
      expect(usage.code).toBe(2);
      const file = newFile();
      openDatabase(file).close();
      const unreachable = await dbCopy(
        file,
        urlWith('shop', { user: 'postgres', password: PASSWORD, port: 1 }),
      );
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toMatch(
        /^db:copy: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(database "shop"\): connection refused; nothing was committed\n$/,
      );
      for (const output of [missing, usage, unreachable])
        expect(`${output.stdout}${output.stderr}`).not.toContain(PASSWORD);
    });
  },
);
