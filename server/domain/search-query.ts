/**
 * Turns what a shopper typed into an FTS5 MATCH expression: every word must match, the last one as
 * a prefix. Each word is quoted as an FTS5 string (with `"` doubled), so quotes, `*`, `-`, `NEAR(`,
 * `col:`, `AND`/`OR` and punctuation are matched literally and never parsed as query syntax.
 * A word repeated (in any case) is kept once: it matches nothing more, and each term of the
 * expression costs a walk of its doclist. Returns null when nothing searchable is left.
 */
export function toFtsQuery(text: string): string | null {
  const typed = text
    .normalize('NFKC')
    // NOTE: control characters go first; a NUL would end the query string inside SQLite.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  const last = typed.at(-1);
  if (last === undefined) return null;
  const whole = [...new Map(typed.slice(0, -1).map((word) => [word.toLowerCase(), word])).values()];
  const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;
  // The last word as a prefix adds nothing when the same word must already match whole.
  const prefix = whole.some((word) => word.toLowerCase() === last.toLowerCase()) ? [] : [`${quote(last)}*`];
  return [...whole.map(quote), ...prefix].join(' ');
}

/** Escapes `%`, `_` and the escape character itself for `LIKE ? ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
