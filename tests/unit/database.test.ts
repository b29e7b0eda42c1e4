import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/sqlite/client.js';
import { tempDir } from '../helpers/server-process.js';

describe('the database file', () => {
  it('is opened in WAL mode with synchronous=FULL, foreign keys and a busy timeout', () => {
    const path = join(tempDir(), 'nested', 'folder', 'shop.db');
    const { sqlite, close } = openDatabase(path);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    close();
  });

  it('makes every table STRICT and passes integrity and foreign-key checks', () => {
    const { sqlite, close } = openDatabase(':memory:');
    const tables = sqlite
      .prepare(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'",
      )
      .all() as { name: string; strict: number }[];
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.filter((t) => t.strict !== 1).map((t) => t.name)).toEqual([]);
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    close();
  });

  it('applies migrations once: opening twice changes nothing', () => {
    const path = join(tempDir(), 'shop.db');
    openDatabase(path).close();
    const { sqlite, close } = openDatabase(path);
    const applied = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));
    expect(applied.n).toBe(journal.entries.length);
    close();
  });
});
