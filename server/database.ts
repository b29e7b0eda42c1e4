import type { Engine } from '../db/engine.js';
import type { PostgresHandle } from '../db/postgres/client.js';
import { type DatabaseHandle, openDatabase } from '../db/sqlite/client.js';
import { createSqliteEngine } from '../db/sqlite/engine.js';
import type { Config } from './config.js';

/** The configured engine, open, with what only that engine has (for /readyz, backups and tests). */
export type OpenDatabase =
  | { kind: 'sqlite'; engine: Engine; sqlite: DatabaseHandle; close(): Promise<void> }
  | {
      kind: 'postgres';
      engine: Engine;
      postgres: PostgresHandle;
      /** Why writes cannot succeed now (server down, standby, migrations missing), or null. */
      problem(): Promise<string | null>;
      close(): Promise<void>;
    };

export interface OpenOptions {
  /** Apply pending migrations (SQLite: this process; PostgreSQL: under an advisory lock, once). */
  migrate: boolean;
  /** Told, in one line, about errors of idle PostgreSQL connections (the pool replaces them). */
  onIdleError: (message: string) => void;
  /** Told about each PostgreSQL transaction run again after a serialization failure or deadlock. */
  onRetry?: (sqlState: string, attempt: number) => void;
}

/**
 * Opens the engine the configuration names: SQLite at DATABASE_PATH when DATABASE_URL is unset,
 * else PostgreSQL at DATABASE_URL with a pool of DATABASE_POOL_SIZE. `pg` and the PostgreSQL code
 * are loaded only when PostgreSQL is chosen. Throws one readable line (no password) on failure.
 */
export async function openConfiguredDatabase(config: Config, options: OpenOptions): Promise<OpenDatabase> {
  if (!config.DATABASE_URL) {
    const sqlite = openDatabase(config.DATABASE_PATH, { migrate: options.migrate });
    return { kind: 'sqlite', engine: createSqliteEngine(sqlite), sqlite, close: async () => sqlite.close() };
  }
  const [{ openPostgres }, { migratePostgres }, { createPostgresEngine }, { postgresProblem }] =
    await Promise.all([
      import('../db/postgres/client.js'),
      import('../db/postgres/migrate.js'),
      import('../db/postgres/engine.js'),
      import('../db/postgres/readiness.js'),
    ]);
  const postgres = await openPostgres(config.DATABASE_URL, {
    poolSize: config.DATABASE_POOL_SIZE,
    onIdleError: options.onIdleError,
  });
  try {
    if (options.migrate) await migratePostgres(postgres.pool);
  } catch (error) {
    await postgres.close();
    throw error;
  }
  const engine = createPostgresEngine(postgres, options.onRetry ? { onRetry: options.onRetry } : {});
  return {
    kind: 'postgres',
    engine,
    postgres,
    problem: () => postgresProblem(postgres.pool),
    close: () => engine.close(),
  };
}
