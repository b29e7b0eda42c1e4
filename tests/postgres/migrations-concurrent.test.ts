import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../db/postgres/client.js';
import { committedPostgresMigrationCount, migratePostgres } from '../../db/postgres/migrate.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
  withClient,
} from '../helpers/postgres.js';
import { ROOT } from '../helpers/start-command.js';

const run = promisify(execFile);
const unavailable = await postgresUnavailable();

async function appliedMigrations(url: string) {
  const { rows } = await withClient(url, (client) =>
    client.query<{ hash: string }>('SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id'),
  );
  return rows.map((r) => r.hash);
}

describe.skipIf(unavailable)(suiteTitle('PostgreSQL migrations at start', unavailable), () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const database of databases.splice(0)) await database.drop();
  });

  it('eight migrators starting together on an empty database apply one set, without an error', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const handles = await Promise.all(
      Array.from({ length: 8 }, () => openPostgres(database.url, { poolSize: 2, onIdleError: logIdleError })),
    );
    try {
      const counts = await Promise.all(handles.map((handle) => migratePostgres(handle.pool)));
      expect(counts).toEqual(Array(8).fill(committedPostgresMigrationCount()));
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    const hashes = await appliedMigrations(database.url);
    expect(hashes).toHaveLength(committedPostgresMigrationCount());
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('npm run db:migrate in three processes at once migrates once; again is a no-op', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const migrate = () =>
      run(join(ROOT, 'node_modules/.bin/tsx'), ['db/migrate.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
      });
    const results = await Promise.all([migrate(), migrate(), migrate()]);
    const expected = `${committedPostgresMigrationCount()} migration(s) applied`;
    for (const { stdout } of results) expect(stdout).toContain(expected);
    expect((await migrate()).stdout).toContain(expected);
    expect(await appliedMigrations(database.url)).toHaveLength(committedPostgresMigrationCount());
  });
});
