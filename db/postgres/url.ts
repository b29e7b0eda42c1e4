/** What start-up messages may say about a PostgreSQL URL: never its password. */

/** Replaces the password in anything shaped like a URL (`//user:secret@`) with `***`. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, '$1***@');
}

export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** The host, port, database and user a postgres:// URL names (for messages; no password). */
export function describeTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  const socketHost = parsed.searchParams.get('host');
  return {
    host: decodeURIComponent(parsed.hostname) || socketHost || 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username),
    user: decodeURIComponent(parsed.username) || 'the default user',
  };
}

/** True for the URL schemes that select the PostgreSQL engine. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}
