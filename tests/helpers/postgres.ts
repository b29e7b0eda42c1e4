import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, type PostgresHandle } from '../../db/postgres/client.js';
import { copySqliteToPostgres } from '../../db/postgres/copy.js';
import { migratePostgres } from '../../db/postgres/migrate.js';
import { openDatabase } from '../../db/sqlite/client.js';

/** The maintenance database tests create their own databases from (trust auth on this machine). */
const PG_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Why the PostgreSQL tests cannot run here, or undefined when a server answers. In CI (env CI set)
 * a missing server is a failure, not a reason to skip: this throws.
 */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const reason = `no PostgreSQL answers at ${new URL(PG_ADMIN_URL).host} (${error instanceof Error ? error.message : String(error)})`;
    if (process.env.CI) throw new Error(`${reason}; CI must run the PostgreSQL tests`);
    console.warn(`PostgreSQL tests skipped: ${reason}`);
    return reason;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The idle-connection logger tests hand to openPostgres. */
export function logIdleError(message: string): void {
  console.warn(`PostgreSQL idle connection: ${message}`);
}

/** A title that says why a suite was skipped. */
export function suiteTitle(title: string, unavailable: string | undefined): string {
  return unavailable ? `${title} (skipped: ${unavailable})` : title;
}

export interface TestDatabase {
  name: string;
  /** postgres:// URL of the new database, same user as PG_ADMIN_URL. */
  url: string;
  drop(): Promise<void>;
}

/** Runs `work` on one connection to `url`, closed afterwards whatever happens. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const admin = <T>(work: (client: pg.Client) => Promise<T>) => withClient(PG_ADMIN_URL, work);

/**
 * Creates a database `backroom_t_<random>` for one test file (empty, or a copy of `template`);
 * drop() removes it.
 */
export async function createTestDatabase(template?: string): Promise<TestDatabase> {
  const name = `backroom_t_${randomBytes(6).toString('hex')}`;
  // NOTE: names are made here from hex digits, never from input.
  await admin((client) => client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * A new database with every migration applied and a pool of `poolSize` on it: what most
 * PostgreSQL test files open in `beforeAll` (close the handle, then drop the database, after).
 */
export async function openMigratedTestDatabase(
  poolSize: number,
): Promise<{ database: TestDatabase; handle: PostgresHandle }> {
  const database = await createTestDatabase();
  const handle = await openPostgres(database.url, { poolSize, onIdleError: logIdleError });
  try {
    await migratePostgres(handle.pool);
  } catch (error) {
    await handle.close();
    await database.drop();
    throw error;
  }
  return { database, handle };
}

/** A URL with the given user and password on the test server, for tests of what messages show. */
export function urlWith(database: string, credentials: { user: string; password: string; port?: number }) {
  const url = new URL(PG_ADMIN_URL);
  url.username = credentials.user;
  url.password = credentials.password;
  if (credentials.port !== undefined) url.port = String(credentials.port);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A database with every PostgreSQL migration applied, for test databases to be copied from. It is
 * made the way a shop moves to PostgreSQL: `db:copy` (copySqliteToPostgres, which migrates the
 * target) from a new, migrated SQLite file, so every test app of `npm run test:postgres` runs on a
 * copy. (db-copy.test.ts copies shops with rows and serves them.)
 */
export async function createTemplateDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'backroom-template-'));
  try {
    const file = join(dir, 'empty.db');
    openDatabase(file).close();
    await copySqliteToPostgres({ from: file, to: database.url });
  } catch (error) {
    await database.drop();
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return database;
}
