import type pg from 'pg';
import { committedPostgresMigrationCount } from './migrate.js';

/**
 * Why writes cannot succeed on this PostgreSQL database now, or null when they can: the server
 * answers, is a primary (a standby refuses writes) and has every committed migration applied.
 * Built from codes and counts only: the text goes to the log, never to a client.
 */
export async function postgresProblem(pool: pg.Pool): Promise<string | null> {
  try {
    const { rows } = await pool.query<{ standby: boolean; applied: number }>(
      'SELECT pg_is_in_recovery() AS standby, (SELECT count(*)::int FROM drizzle.__drizzle_migrations) AS applied',
    );
    const row = rows[0];
    if (!row) return 'PostgreSQL gave no answer';
    if (row.standby) return 'PostgreSQL is a standby (read-only)';
    const expected = committedPostgresMigrationCount();
    if (row.applied < expected) return `${row.applied} of ${expected} migrations applied`;
    return null;
  } catch (error) {
    const code =
      typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
        ? error.code
        : error instanceof Error
          ? error.name
          : 'unknown error';
    return `PostgreSQL does not answer (${code})`;
  }
}
