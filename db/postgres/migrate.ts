import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { journalEntryCount } from '../migrations-journal.js';

const POSTGRES_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** The advisory lock key that serialises migrations across every process on the database. */
const MIGRATION_LOCK_KEY = 0x6261_636b; // "back"

/**
 * Applies the committed PostgreSQL migrations under a session advisory lock held on one connection,
 * so processes starting together migrate once: the first applies, the others wait and find nothing
 * pending. Returns how many migrations are recorded afterwards.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  let failure: unknown;
  // A connection that dies while checked out emits 'error'; without a listener that crashes the process.
  const noteBroken = (error: Error) => {
    failure ??= error;
  };
  client.on('error', noteBroken);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
      const result = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
      );
      return result.rows[0]?.n ?? 0;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((error: unknown) => {
        // NOTE: the unlock's error never replaces the migration's; a dead session has dropped its lock.
        if (failure === undefined) throw error;
        console.warn(`migrations: releasing the advisory lock failed too: ${String(error)}`);
      });
    }
  } catch (error) {
    failure ??= error;
    throw error;
  } finally {
    client.off('error', noteBroken);
    // A connection that saw an error is destroyed rather than handed back to the pool.
    client.release(failure instanceof Error ? failure : failure !== undefined);
  }
}

let committed: number | undefined;
/** How many PostgreSQL migrations are committed (read once from drizzle-kit's journal). */
export function committedPostgresMigrationCount(): number {
  committed ??= journalEntryCount(POSTGRES_MIGRATIONS_FOLDER);
  return committed;
}
