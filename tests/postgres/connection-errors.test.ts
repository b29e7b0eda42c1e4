import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, PostgresOpenError } from '../../db/postgres/client.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
  urlWith,
} from '../helpers/postgres.js';
import { startServer } from '../helpers/server-process.js';
import { ROOT, startArguments } from '../helpers/start-command.js';

const PASSWORD = 'Sup3r-Secret-pw';
const unavailable = await postgresUnavailable();

async function openError(url: string): Promise<string> {
  try {
    const handle = await openPostgres(url, { connectTimeoutMs: 3000, onIdleError: logIdleError });
    await handle.close();
  } catch (error) {
    expect(error).toBeInstanceOf(PostgresOpenError);
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`opening ${url} did not fail`);
}

/** Runs `npm start`'s command with DATABASE_URL; returns its exit code and everything it printed. */
function start(url: string) {
  const result = spawnSync(process.execPath, startArguments(), {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'info', SEED_DEMO: 'false', PORT: '0' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe.skipIf(unavailable)(suiteTitle('PostgreSQL connection at start-up', unavailable), () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('opens a pool of DATABASE_POOL_SIZE connections and reads bigint as a number', async () => {
    const handle = await openPostgres(database.url, { poolSize: 3, onIdleError: logIdleError });
    try {
      expect(handle.pool.options.max).toBe(3);
      const { rows } = await handle.pool.query<{ big: unknown; total: unknown; n: unknown }>(
        'SELECT 9007199254740991::bigint AS big, sum(x) AS total, count(*) AS n FROM (VALUES (1::bigint), (2::bigint)) v(x)',
      );
      expect(rows[0]).toEqual({ big: 9007199254740991, total: 3, n: 2 });
    } finally {
      await handle.close();
    }
  });

  it.each([
    [
      'an unreachable server',
      () => urlWith('test', { user: 'postgres', password: PASSWORD, port: 1 }),
      /^cannot reach PostgreSQL at 127\.0\.0\.1:1 \(database "test"\): connection refused$/,
    ],
    [
      'an unknown host',
      () => `postgres://postgres:${PASSWORD}@no-such-host.invalid:5432/test`,
      /^cannot reach PostgreSQL at no-such-host\.invalid:5432 \(database "test"\): host (not found|name lookup failed)$/,
    ],
    [
      'refused credentials',
      () => urlWith('test', { user: 'no_such_role', password: PASSWORD }),
      /^PostgreSQL at .+ refused the credentials of user "no_such_role" for database "test"$/,
    ],
    [
      'a missing database',
      () => urlWith('backroom_t_missing', { user: 'postgres', password: PASSWORD }),
      /^database "backroom_t_missing" does not exist on PostgreSQL at .+$/,
    ],
  ])('%s: one line naming host and database, never the password', async (_case, url, expected) => {
    const message = await openError(url());
    expect(message).toMatch(expected);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain('\n');
  });

  it.each([
    [
      'a bad URL',
      () => `mysql://postgres:${PASSWORD}@127.0.0.1/test`,
      /^Invalid configuration: DATABASE_URL: /,
    ],
    [
      'an unreachable server',
      () => urlWith('test', { user: 'postgres', password: PASSWORD, port: 1 }),
      /^Backroom could not start: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(database "test"\): connection refused$/,
    ],
    [
      'refused credentials',
      () => urlWith('test', { user: 'no_such_role', password: PASSWORD }),
      /^Backroom could not start: PostgreSQL at .+ refused the credentials of user "no_such_role"/,
    ],
    [
      'a missing database',
      () => urlWith('backroom_t_missing', { user: 'postgres', password: PASSWORD }),
      /^Backroom could not start: database "backroom_t_missing" does not exist on PostgreSQL at /,
    ],
  ])('npm start with %s stops with exit 1 and one line, never the password', (_case, url, expected) => {
    const { code, output } = start(url());
    expect(code).toBe(1);
    expect(output).toMatch(expected);
    expect(output.split('\n')).toHaveLength(1);
    expect(output).not.toContain(PASSWORD);
  });

  it('npm start serves on PostgreSQL, ready, and never prints the password', async () => {
    const url = new URL(database.url);
    url.password = PASSWORD; // trust auth ignores it; it must still not be printed
    const server = await startServer({ DATABASE_URL: url.toString(), LOG_LEVEL: 'info' });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.url}/trpc/store.info`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toContain('listening');
    expect(server.output()).not.toContain(PASSWORD);
  });

  it('a dropped idle connection is told to the required onIdleError, and the pool answers again', async () => {
    // @ts-expect-error an idle-error logger is required, so a dropped connection is never silent
    const unlogged: Parameters<typeof openPostgres>[1] = { poolSize: 1 };
    expect(unlogged.onIdleError).toBeUndefined();
    const told: string[] = [];
    const handle = await openPostgres(database.url, { poolSize: 1, onIdleError: (m) => told.push(m) });
    try {
      const { rows } = await handle.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
      } finally {
        await admin.end();
      }
      await expect.poll(() => told.length).toBe(1);
      expect(told[0]).toMatch(/PostgreSQL at 127\.0\.0\.1:5432/);
      const again = await handle.pool.query<{ n: number }>('SELECT 1 AS n');
      expect(again.rows[0]?.n).toBe(1);
    } finally {
      await handle.close();
    }
  });
});
