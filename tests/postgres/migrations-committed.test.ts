import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/start-command.js';

/**
 * The committed migrations are what drizzle-kit 0.31 generates from each engine's schema: generating
 * again into a copy of the folder finds nothing to do (no server needed). A schema edited without
 * `npm run db:generate` (or `DATABASE_URL=postgres://… npm run db:generate`) fails here.
 */
const ENGINES = [
  { dialect: 'sqlite', schema: 'db/sqlite/schema/index.ts', migrations: 'db/sqlite/migrations' },
  { dialect: 'postgresql', schema: 'db/postgres/schema/index.ts', migrations: 'db/postgres/migrations' },
];

describe('committed migrations', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each(ENGINES)('$dialect: match the schema', ({ dialect, schema, migrations }) => {
    const dir = mkdtempSync(join(tmpdir(), 'backroom-migrations-'));
    made.push(dir);
    cpSync(join(ROOT, migrations), join(dir, 'migrations'), { recursive: true });
    const before = readdirSync(join(dir, 'migrations')).sort();
    // drizzle-kit wants paths relative to its working directory.
    const output = execFileSync(
      join(ROOT, 'node_modules/.bin/drizzle-kit'),
      [
        'generate',
        '--dialect',
        dialect,
        '--schema',
        relative(dir, join(ROOT, schema)),
        '--out',
        './migrations',
      ],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(output).toContain('No schema changes');
    expect(readdirSync(join(dir, 'migrations')).sort()).toEqual(before);
  });
});
