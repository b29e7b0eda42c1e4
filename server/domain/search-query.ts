/**
 * Turns what a shopper typed into an FTS5 MATCH expression: every word must match, the last one as
 * a prefix. Each word is quoted as an FTS5 string (with `"` doubled), so quotes, `*`, `-`, `NEAR(`,
 * `col:`, `AND`/`OR` and punctuation are matched literally and never parsed as query syntax.
 * Returns null when nothing searchable is left (only spaces or punctuation).
 */
export function toFtsQuery(text: string): string | null {
  const words = text
    .normalize('NFKC')
    // NOTE: control characters go first; a NUL would end the query string inside SQLite.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) return null;
  return words
    .map((word, i) => `"${word.replaceAll('"', '""')}"${i === words.length - 1 ? '*' : ''}`)
    .join(' ');
}

/** Escapes `%`, `_` and the escape character itself for `LIKE ? ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
