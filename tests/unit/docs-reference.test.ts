import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexProcedures } from '../../server/http/procedure-index.js';
import { appRouter } from '../../server/routers/_app.js';
import { ERROR_REASONS } from '../../shared/reasons.js';
import { DOCS, documentedProcedures, markdownFiles, prose } from '../helpers/docs-reference.js';
import { ROOT } from '../helpers/start-command.js';

/**
 * docs/ is the API reference, kept true by construction: every procedure of the router has a
 * heading in docs/api/ naming it with its type, the docs name no procedure that does not exist,
 * every error reason has a row, links inside the repository resolve (anchors included), and
 * nothing points outside the repository.
 */
const procedures = indexProcedures(appRouter);
const areas = Object.keys(appRouter._def.record);
const docFiles = markdownFiles(DOCS);
const read = (path: string) => readFileSync(path, 'utf8');
const readmes = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'examples'))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading = ''] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    anchors.add(
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
}

describe('docs/ as the API reference', () => {
  it('gives every procedure of the router one heading, with its type', () => {
    const documented = documentedProcedures();
    const problems: string[] = [];
    for (const [path, type] of procedures) {
      const types = documented.get(path);
      if (!types) problems.push(`${path} (${type}) has no heading in docs/api/`);
      else if (types.length > 1) problems.push(`${path} has ${types.length} headings`);
      else if (types[0]?.type !== type)
        problems.push(`${path} is a ${type}, documented as a ${types[0]?.type}`);
    }
    expect(problems).toEqual([]);
  });

  it('names no procedure that does not exist, in a heading or in code in docs/ and the READMEs', () => {
    const named = new Set(documentedProcedures().keys());
    const pattern = new RegExp(`\`((?:${areas.join('|')})\\.[A-Za-z.]*[A-Za-z])\``, 'g');
    for (const file of [...docFiles, ...readmes])
      for (const [, path = ''] of read(file).matchAll(pattern)) named.add(path);
    const unknown = [...named].filter((path) => !procedures.has(path));
    expect(unknown).toEqual([]);
    // The pattern does find procedures (a check that cannot fail proves nothing).
    expect(named.has('checkout.placeOrder')).toBe(true);
  });

  it('explains every error reason', () => {
    const errors = read(join(DOCS, 'api/errors.md'));
    const missing = ERROR_REASONS.filter((reason) => !errors.includes(`| \`${reason}\``));
    expect(missing).toEqual([]);
  });

  it('links only to files (and headings) that exist inside the repository', () => {
    const files = [...docFiles, ...readmes];
    const broken: string[] = [];
    for (const file of files) {
      for (const [, target = ''] of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
        const [path = '', anchor] = target.split('#');
        const resolved = path === '' ? file : resolve(dirname(file), path);
        const where = `${relative(ROOT, file)} → ${target}`;
        if (!resolved.startsWith(`${ROOT}/`) && resolved !== ROOT)
          broken.push(`${where} leaves the repository`);
        else if (!existsSync(resolved)) broken.push(`${where} does not exist`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor))
          broken.push(`${where} has no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('points nowhere outside the repository (the contract lives in docs/)', () => {
    const files = [...readmes, ...docFiles];
    const outside = files.filter((file) =>
      /\.\.\/shared\/|shared\/API\.md|\bAPI\.md|DESIGN\.md/.test(read(file)),
    );
    expect(outside.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
