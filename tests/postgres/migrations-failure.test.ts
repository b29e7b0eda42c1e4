import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../db/postgres/client.js';
import { migratePostgres } from '../../db/postgres/migrate.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
  withClient,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

/** Makes drizzle's first read of its journal table kill the migrating connection. */
async function plantConnectionKiller(url: string) {
  await withClient(url, (client) =>
    client.query(`
      CREATE SCHEMA drizzle;
      CREATE FUNCTION drizzle.kill_me() RETURNS TABLE (id int, hash text, created_at bigint)
        LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN; END $$;
      CREATE VIEW drizzle.__drizzle_migrations AS SELECT * FROM drizzle.kill_me();
    `),
  );
}

describe.skipIf(unavailable)(suiteTitle('A failed PostgreSQL migration', unavailable), () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.drop();
  });

  it('reports the error that broke the migration, not the failed unlock after it', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    await plantConnectionKiller(database.url);
    const handle = await openPostgres(database.url, { poolSize: 1, onIdleError: logIdleError });
    try {
      const failure = await migratePostgres(handle.pool).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      // drizzle names the query that failed; the unlock after it failed too, with the bare driver error.
      expect(failure instanceof Error ? failure.message : '').toMatch(/__drizzle_migrations/);
      // The broken connection was not handed back: the pool answers on a fresh one.
      const { rows } = await handle.pool.query<{ n: number }>('SELECT 1 AS n');
      expect(rows[0]?.n).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
