/** What start-up messages may say about a PostgreSQL URL: never its password. */

/** Replaces the password in anything shaped like a URL (`//user:secret@`) with `***`. */
export function redactUrl(text: string): string {
  // Up to the last `@` before the host, so a raw `@` in the password hides all of it.
  return text.replace(/(\/\/[^/:@\s]*:)[^/\s]*@/g, '$1***@');
}

export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Percent-decodes, keeping the raw text when an escape is broken (a message must never throw). */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The host, port, database and user a postgres:// URL names (for messages; no password). */
export function describeTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  const socketHost = parsed.searchParams.get('host');
  return {
    host: decoded(parsed.hostname) || socketHost || 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decoded(parsed.pathname.replace(/^\//, '')) || decoded(parsed.username),
    user: decoded(parsed.username) || 'the default user',
  };
}

/** True for the URL schemes that select the PostgreSQL engine. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}
