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
      await handle.pool.query<{ name: string }>(
        "SELECT name FROM pg_prepared_statements WHERE name LIKE 'catalog_cards_%' ORDER BY name",
      )
    ).rows.map((r) => r.name);

  it('prepares one named statement per value-independent list shape, and sends the others unnamed', async () => {
    const list = (input: Parameters<typeof listProducts>[1]) => listProducts(engine.read, input, 'USD');
    const first = await list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    expect(await listStatements()).toHaveLength(1);

    // The same shape with other values (page size, cursor keys) reuses its statement.
    for (let i = 0; i < 8; i++) await list({ limit: 3 + i });
    expect(await listStatements()).toHaveLength(1);

    // Next pages (a keyset bound) and one category are shapes of their own, each prepared once.
    const second = await list({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((c) => c.id)).not.toContain(first.items[0]?.id);
    await list({ limit: 2, cursor: second.nextCursor ?? undefined });
    await list({ limit: 5, category: 't-shirts' });
    await list({ limit: 5, category: 't-shirts', sort: 'price_asc' });
    const named = await listStatements();
    expect(named).toHaveLength(4);

    // A price range, a subtree of several categories and a search are planned with their values.
    expect((await list({ limit: 5, minPrice: 1000, maxPrice: 5000 })).items.length).toBeGreaterThan(0);
    expect((await list({ limit: 5, category: 'apparel' })).items.length).toBeGreaterThan(0);
    expect((await list({ limit: 5, q: 'tee' })).items.length).toBeGreaterThan(0);
    expect(await listStatements()).toEqual(named);
  });
});
