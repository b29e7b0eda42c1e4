import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The part of drizzle-kit's meta/_journal.json that Backroom reads. */
const journal = z.object({ entries: z.array(z.object({ tag: z.string() })) });

/** How many migrations drizzle-kit's journal in `folder` lists; throws naming the file when it is malformed. */
export function journalEntryCount(folder: string): number {
  const path = join(folder, 'meta/_journal.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the migration journal ${path}: ${String(error)}`);
  }
  const result = journal.safeParse(parsed);
  if (!result.success) throw new Error(`the migration journal ${path} has no valid entries list`);
  return result.data.entries.length;
}
