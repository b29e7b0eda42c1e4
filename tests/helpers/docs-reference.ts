import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './start-command.js';

export const DOCS = join(ROOT, 'docs');

/** Every .md file under `dir`, recursively. */
export function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Markdown without its fenced code blocks (their `#` lines are not headings). */
export const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

export interface DocumentedProcedure {
  type: string;
  role: string;
  file: string;
}

/**
 * The procedures docs/api/ documents, from headings such as
 * `### \`catalog.products\` · query · public`: path → every heading naming it.
 */
export function documentedProcedures(): Map<string, DocumentedProcedure[]> {
  const found = new Map<string, DocumentedProcedure[]>();
  for (const file of markdownFiles(join(DOCS, 'api'))) {
    for (const match of prose(readFileSync(file, 'utf8')).matchAll(/^#{2,4} `([^`]+)` · (\w+) · (\w+)$/gm)) {
      const [, path = '', type = '', role = ''] = match;
      found.set(path, [...(found.get(path) ?? []), { type, role, file }]);
    }
  }
  return found;
}
