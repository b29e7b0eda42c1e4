import type { SearchWords } from '../../../db/stores/catalog.js';

/**
 * What a shopper typed as search words: every word must match, the last one as a prefix. Words are
 * split on whitespace and kept only when they hold a letter or digit; each engine's store turns
 * them into its own query (FTS5 strings, a tsquery built from plain-text phrases), so punctuation
 * and operators stay text. A word repeated (in any case) is kept once: it matches nothing more, and
 * each term costs a walk of the index. Null when nothing searchable is left.
 */
export function toSearchWords(text: string): SearchWords | null {
  const typed = text
    .normalize('NFKC')
    // NOTE: control characters go first; a NUL would end the query string inside SQLite.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  const last = typed.at(-1);
  if (last === undefined) return null;
  const whole = [...new Map(typed.slice(0, -1).map((word) => [word.toLowerCase(), word])).values()];
  // The last word as a prefix adds nothing when the same word must already match whole.
  const repeated = whole.some((word) => word.toLowerCase() === last.toLowerCase());
  return { whole, prefix: repeated ? null : last };
}
