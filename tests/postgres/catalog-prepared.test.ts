/**
 * The product list on PostgreSQL: a list whose plan does not depend on its values is a named
 * prepared statement, parsed once per connection however often it runs; a price range, a
 * category subtree or a search is sent unnamed and planned with its values
 * (db/postgres/catalog-cards.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import { openPostgres, type PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { migratePostgres } from '../../db/postgres/migrate.js';
import { seedDemoCatalog } from '../../server/services/catalog/demo-catalog.js';
import { listProducts } from '../../server/services/catalog/products.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable)(suiteTitle('Product list statements on PostgreSQL', unavailable), () => {
  let database: TestDatabase;
  let handle: PostgresHandle;
  let engine: Engine;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: the statements it holds are the ones every list call prepared.
    handle = await openPostgres(database.url, { poolSize: 1, onIdleError: logIdleError });
    await migratePostgres(handle.pool);
    engine = createPostgresEngine(handle);
    await engine.transaction((tx) => seedDemoCatalog(tx, Date.now()));
  });
  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  const listStatements = async () =>
    (
      await handle.pool.query<{ name: string; generic_plans: number }>(
        "SELECT name, generic_plans FROM pg_prepared_statements WHERE name LIKE 'catalog_cards_%' ORDER BY name",
      )
    ).rows;

  it('prepares one named statement per value-independent list shape, and sends the others unnamed', async () => {
    const list = (input: Parameters<typeof listProducts>[1]) => listProducts(engine.read, input, 'USD');
    const first = await list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    for (let i = 0; i < 9; i++) await list({ limit: 2 });
    const [plain, ...others] = await listStatements();
    expect(others).toEqual([]);
    // After five runs PostgreSQL keeps one generic plan (the row count is written out, see cardListQuery).
    expect(plain?.generic_plans).toBeGreaterThan(0);

    // Next pages (a keyset bound) share a statement, so do lists of one category; each is a shape.
    const second = await list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((c) => c.id)).not.toContain(first.items[0]?.id);
    await list({ limit: 2, cursor: second.nextCursor ?? undefined });
    await list({ limit: 2, category: 't-shirts' });
    await list({ limit: 2, category: 'outerwear' });
    await list({ limit: 2, category: 't-shirts', sort: 'price_asc' });
    // The page size is written into the text: another size is another shape.
    await list({ limit: 3 });
    const named = (await listStatements()).map((s) => s.name);
    expect(named).toHaveLength(5);

    // Lists whose best plan depends on their values are planned with them.
    expect((await list({ limit: 5, minPrice: 1000, maxPrice: 5000 })).items.length).toBeGreaterThan(0);
    expect((await list({ limit: 5, category: 'apparel' })).items.length).toBeGreaterThan(0);
    expect((await list({ limit: 5, category: 't-shirts', sort: 'rating' })).items.length).toBeGreaterThan(0);
    expect((await list({ limit: 5, q: 'tee' })).items.length).toBeGreaterThan(0);
    expect((await listStatements()).map((s) => s.name)).toEqual(named);
  });
});
