import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import * as schema from './schema/index.js';
import { describeTarget, redactUrl } from './url.js';

export type PgDb = NodePgDatabase<typeof schema>;
/** The pool's database or one transaction on it: what a store's queries run on. */
export type PgExecutor = PgDatabase<NodePgQueryResultHKT, typeof schema>;

export interface PostgresHandle {
  db: PgDb;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface PostgresOptions {
  poolSize?: number;
  /** How long to wait for a connection before calling the server unreachable. */
  connectTimeoutMs?: number;
  /**
   * Told (one line, no password) about errors of idle connections: the server restarted, the network
   * dropped. Required so such an error is always logged; the pool replaces the connection.
   */
  onIdleError: (message: string) => void;
}

/** Opening PostgreSQL failed: the message is one line, names host and database, never the password. */
export class PostgresOpenError extends Error {
  override name = 'PostgresOpenError';
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * NOTE: bigint and numeric results (bigint columns, count(*), sum()) arrive as JS numbers, not
 * strings: money and timestamps stay integers on the wire. Every value Backroom stores is far below
 * 2^53 (minor units, epoch milliseconds), so nothing is rounded. Set on pg's global parsers because
 * drizzle-orm/node-postgres passes its own per-query parsers that fall back to the global ones (a
 * pool's `types` is not consulted); this process talks to no other PostgreSQL database.
 */
let driver:
  | Promise<{ Pool: typeof pg.Pool; drizzle: typeof import('drizzle-orm/node-postgres').drizzle }>
  | undefined;

/** Loads `pg` and drizzle's adapter on first use (an SQLite shop never loads them) and sets the parsers. */
function loadDriver() {
  driver ??= Promise.all([import('pg'), import('drizzle-orm/node-postgres')]).then(([pgModule, adapter]) => {
    pgModule.default.types.setTypeParser(INT8_OID, (value: string) => Number(value));
    pgModule.default.types.setTypeParser(NUMERIC_OID, (value: string) => Number(value));
    return { Pool: pgModule.default.Pool, drizzle: adapter.drizzle };
  });
  return driver;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The SQLSTATE of a failed query, on the error or (Drizzle wraps driver errors) on its cause. */
export function sqlState(error: unknown): string | undefined {
  return errorCode(error) ?? errorCode(error instanceof Error ? error.cause : undefined);
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/** One readable line for a failure to connect, built from codes only (a driver message may echo input). */
function describeOpenError(url: string, error: unknown): string {
  const { host, port, database, user } = describeTarget(url);
  const at = `PostgreSQL at ${host}:${port}`;
  const code = errorCode(error);
  const inner = error instanceof AggregateError ? errorCode(error.errors[0]) : undefined;
  const network = UNREACHABLE[code ?? ''] ?? UNREACHABLE[inner ?? ''];
  if (network) return `cannot reach ${at} (database "${database}"): ${network}`;
  if (error instanceof Error && /timeout/i.test(error.message)) {
    return `cannot reach ${at} (database "${database}"): timed out`;
  }
  if (code === '28P01' || code === '28000') {
    return `${at} refused the credentials of user "${user}" for database "${database}"`;
  }
  if (code === '3D000') return `database "${database}" does not exist on ${at}`;
  if (code === '42501') return `user "${user}" may not connect to database "${database}" on ${at}`;
  if (code === '53300') return `${at} has no free connection slot (too many connections)`;
  if (code === '57P03') return `${at} is starting up or shutting down; try again`;
  return `cannot open database "${database}" on ${at}${code ? ` (SQLSTATE ${code})` : ''}`;
}

/**
 * Opens a pool of DATABASE_POOL_SIZE connections through drizzle-orm/node-postgres and checks it
 * with one round trip; throws PostgresOpenError (one line, no password) when it cannot.
 */
export async function openPostgres(url: string, options: PostgresOptions): Promise<PostgresHandle> {
  const { Pool, drizzle } = await loadDriver();
  let pool: pg.Pool;
  try {
    pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // Named statements (the hot ones, see named-statement.ts) are planned once per connection
      // instead of at every execution; unnamed ones are planned for their values, as before.
      options: '-c plan_cache_mode=force_generic_plan',
    });
  } catch {
    throw new PostgresOpenError(`DATABASE_URL is not a valid PostgreSQL URL: ${redactUrl(url)}`);
  }
  // An idle connection's error would otherwise crash the process; the pool replaces the connection.
  pool.on('error', (error) => options.onIdleError(describeOpenError(url, error)));
  // A connection that fails while checked out (a transaction running when the network drops)
  // emits 'error' on the client itself: without a listener that would end the process. Nothing
  // to report here: its query rejects (the request answers 503 and is logged), the pool discards
  // the connection, and an idle one's error reaches the pool's listener above.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new PostgresOpenError(describeOpenError(url, error));
  }
  const db = drizzle({ client: pool, schema });
  // NOTE: closing twice is harmless, as SQLite's close is (pg's Pool.end throws the second time).
  let closed: Promise<void> | null = null;
  return { db, pool, close: () => (closed ??= pool.end()) };
}
