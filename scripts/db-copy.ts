/**
 * `npm run db:copy -- --from FILE --to URL`: moves a shop from an SQLite file into an empty
 * PostgreSQL database (db/postgres/copy.ts). Progress on stderr. Exit 0 when copied and verified,
 * 2 when refused (usage, a non-empty target, an unusable source; nothing written), 1 when it failed
 * (no row copied; the message says whether the target's schema was already migrated). The password in
 * URL is never printed.
 */
import { parseArgs } from 'node:util';
import { DrizzleQueryError } from 'drizzle-orm';
import { PostgresOpenError, sqlState } from '../db/postgres/client.js';
import { CopyFailedAfterMigration, CopyRefused, copySqliteToPostgres } from '../db/postgres/copy.js';
import { describeTarget, isPostgresUrl, redactUrl } from '../db/postgres/url.js';

const USAGE =
  'usage: npm run db:copy -- --from ./data/backroom.db --to postgres://user:password@host:5432/database';

function refuse(message: string): never {
  console.error(`db:copy: ${message}`);
  process.exit(2);
}

/** One line about a failure; a failed query names its SQLSTATE, table and constraint, never its rows. */
function describeFailure(error: unknown): string {
  if (error instanceof DrizzleQueryError || !(error instanceof Error)) {
    const cause = error instanceof Error ? error.cause : undefined;
    const table =
      cause && typeof cause === 'object' && 'table' in cause && cause.table
        ? ` on ${String(cause.table)}`
        : '';
    const constraint =
      cause && typeof cause === 'object' && 'constraint' in cause && cause.constraint
        ? ` (${String(cause.constraint)})`
        : '';
    return `a query failed${table}${constraint}: SQLSTATE ${sqlState(error) ?? 'unknown'}`;
  }
  return redactUrl(error.message);
}

let values: { from?: string | undefined; to?: string | undefined };
try {
  ({ values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } }, strict: true }));
} catch {
  refuse(USAGE);
}
const { from, to } = values;
if (!from || !to) refuse(USAGE);
if (!isPostgresUrl(to)) refuse(`--to must be a postgres:// or postgresql:// URL (${USAGE})`);
try {
  describeTarget(to);
} catch {
  refuse(`--to is not a valid URL: ${redactUrl(to)}`);
}

const started = Date.now();
try {
  const reports = await copySqliteToPostgres({
    from,
    to,
    onProgress: (line) => console.error(`db:copy: ${line}`),
  });
  const rows = reports.reduce((sum, r) => sum + r.rows, 0);
  for (const r of reports)
    console.error(`db:copy: verified ${r.name}: ${r.rows} rows, checksum ${r.checksum}`);
  const { host, port, database } = describeTarget(to);
  console.log(
    `copied ${rows} rows in ${reports.length} tables from ${from} to ${host}:${port}/${database} in ${((Date.now() - started) / 1000).toFixed(1)} s; counts and checksums match`,
  );
} catch (error) {
  if (error instanceof CopyRefused) refuse(error.message);
  if (error instanceof CopyFailedAfterMigration) {
    console.error(`db:copy: ${describeFailure(error.cause)}; the schema was migrated, no rows were copied`);
    process.exit(1);
  }
  const message = error instanceof PostgresOpenError ? error.message : describeFailure(error);
  console.error(`db:copy: ${message}; nothing was committed`);
  process.exit(1);
}
