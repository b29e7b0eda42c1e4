import { openPostgres } from '../db/postgres/client.js';
import { describeTarget } from '../db/postgres/url.js';

/**
 * `npm start` with a postgres:// DATABASE_URL: checks that the database can be opened (so a bad URL,
 * an unreachable server or refused credentials get their own one-line reason), then refuses to serve,
 * because the services still run on SQLite only (issue 12 is under way). Always throws.
 */
export async function refuseUnportedPostgres(url: string, poolSize: number): Promise<never> {
  const handle = await openPostgres(url, {
    poolSize: Math.min(poolSize, 2),
    onIdleError: (message) => console.error(`PostgreSQL idle connection: ${message}`),
  });
  await handle.close();
  const { host, port, database } = describeTarget(url);
  throw new Error(
    `DATABASE_URL selects PostgreSQL (${host}:${port}/${database}), which can be prepared (npm run db:migrate, npm run db:copy) but does not serve the API yet; unset DATABASE_URL to serve from SQLite at DATABASE_PATH`,
  );
}
