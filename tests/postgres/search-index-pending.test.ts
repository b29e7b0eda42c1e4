/**
 * The GIN indexes (search documents, SKU trigrams) take new entries straight into the index
 * (fastupdate off, migration 0008): a catalogue loaded at once leaves no pending list for every
 * search to read through (it held a whole 10,000-product catalogue, and a two-word search cost
 * 73 ms of PostgreSQL CPU instead of 2). `gin_clean_pending_list` answers how many pending pages it
 * merged: none after a load. The control is a GIN index with PostgreSQL's default, on the same
 * documents: it does keep them pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { generateCatalogOn } from '../../server/services/catalog/generate-catalog.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable)(
  suiteTitle('Search indexes without a pending list on PostgreSQL', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(2));
      // The control, created before the load so that the load fills it the same way.
      await handle.pool.query(
        'CREATE INDEX control_document_idx ON product_search USING gin (document) WITH (fastupdate = on)',
      );
      await generateCatalogOn(createPostgresEngine(handle), { products: 2_000 });
    }, 120_000);
    afterAll(async () => {
      await handle?.close();
      await database?.drop();
    });

    const pendingPages = async (index: string) =>
      (
        await handle.pool.query<{ pages: number }>('SELECT gin_clean_pending_list($1::regclass) AS pages', [
          index,
        ])
      ).rows[0]?.pages;

    it('leaves nothing pending in the search and SKU indexes after a catalogue load', async () => {
      expect(await pendingPages('product_search_document_idx')).toBe(0);
      expect(await pendingPages('variant_sku_trgm_idx')).toBe(0);
      expect(await pendingPages('control_document_idx')).toBeGreaterThan(0);
    });
  },
);
