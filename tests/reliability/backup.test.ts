import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../db/backup-database.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { tempDir } from '../helpers/server-process.js';

const run = promisify(execFile);

describe('online backup', () => {
  it('copies a database that is being written to, and the copy is whole', async () => {
    const dir = tempDir();
    const live = openDatabase(join(dir, 'live.db'));
    const insert = live.sqlite.prepare('INSERT INTO rate_limit (key, count, reset_at) VALUES (?, 1, 0)');
    for (let i = 0; i < 5000; i++) insert.run(`before-${i}`);

    let writes = 0;
    const writer = setInterval(() => {
      for (let i = 0; i < 50; i++) insert.run(`during-${writes++}`);
    }, 1);
    const result = await backupDatabase(join(dir, 'live.db'), join(dir, 'copy.db'));
    clearInterval(writer);

    expect(result.integrity).toBe('ok');
    const copy = new Database(join(dir, 'copy.db'), { readonly: true });
    const rows = (copy.prepare('SELECT count(*) AS n FROM rate_limit').get() as { n: number }).n;
    expect(rows).toBeGreaterThanOrEqual(5000);
    copy.close();
    live.close();
  });

  it('runs as npm run db:backup -- FILE', async () => {
    const dir = tempDir();
    openDatabase(join(dir, 'shop.db')).close();
    const { stdout } = await run('npm', ['run', '--silent', 'db:backup', '--', join(dir, 'backup.db')], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, DATABASE_PATH: join(dir, 'shop.db') },
    });
    expect(stdout).toContain('integrity ok');
  }, 30_000);

  it('refuses a shop on PostgreSQL and points to pg_dump, writing nothing', async () => {
    const dir = tempDir();
    openDatabase(join(dir, 'shop.db')).close();
    const refused = await run('npm', ['run', '--silent', 'db:backup', '--', join(dir, 'backup.db')], {
      cwd: join(import.meta.dirname, '../..'),
      // The URL is never dialled: the engine alone decides.
      env: {
        ...process.env,
        DATABASE_PATH: join(dir, 'shop.db'),
        DATABASE_URL: 'postgres://shop@db.invalid/shop',
      },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('pg_dump');
    expect(existsSync(join(dir, 'backup.db'))).toBe(false);
  }, 30_000);
});
