import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/start-command.js';

/**
 * The live-update snippets of the README and docs/live-updates.md are the ones `npm run typecheck`
 * compiles (tests/types/live-updates-client.ts): a snippet edited in one place and not the other
 * fails here, so what a reader pastes is what compiles.
 */
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const compiled = read('tests/types/live-updates-client.ts');
const snippets = new Map(
  [...compiled.matchAll(/\/\/ --- snippet: ([a-z ]+?) -+\n([\s\S]*?)\/\/ --- end snippet/g)].map((m) => [
    m[1] ?? '',
    (m[2] ?? '').trim(),
  ]),
);
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trim());

describe('live-update snippets compile as pasted', () => {
  it('tests/types holds the client, node and order status snippets', () => {
    expect([...snippets.keys()].sort()).toEqual(['client', 'node', 'order status']);
  });

  it.each([
    ['README.md', ['client', 'order status']],
    ['docs/live-updates.md', ['client', 'node', 'order status']],
  ])('%s shows %j exactly as compiled', (file, names) => {
    const blocks = codeBlocks(read(file));
    for (const name of names) expect(blocks).toContain(snippets.get(name));
  });
});
