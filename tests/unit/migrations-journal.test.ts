import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalEntryCount } from '../../db/migrations-journal.js';
import { committedPostgresMigrationCount } from '../../db/postgres/migrate.js';
import { committedMigrationCount } from '../../db/sqlite/client.js';
import { ROOT } from '../helpers/start-command.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A migrations folder whose journal holds `text`. */
function folderWithJournal(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  writeFileSync(join(dir, 'meta/_journal.json'), text);
  return dir;
}

const sqlFiles = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.sql')).length;

describe('the committed migration count, read from drizzle-kit journals', () => {
  it('equals the committed .sql files of each engine', () => {
    expect(committedMigrationCount()).toBe(sqlFiles(join(ROOT, 'db/sqlite/migrations')));
    expect(committedPostgresMigrationCount()).toBe(sqlFiles(join(ROOT, 'db/postgres/migrations')));
  });

  it('refuses a malformed journal with a message naming the file', () => {
    const noEntries = folderWithJournal('{"version":"7"}');
    expect(() => journalEntryCount(noEntries)).toThrow(
      /migration journal .*_journal\.json has no valid entries/,
    );
    const notJson = folderWithJournal('{');
    expect(() => journalEntryCount(notJson)).toThrow(/cannot read the migration journal .*_journal\.json/);
    expect(journalEntryCount(folderWithJournal('{"entries":[{"tag":"0000_a"},{"tag":"0001_b"}]}'))).toBe(2);
  });
});
