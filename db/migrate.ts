/** `npm run db:migrate`: applies the committed migrations to the configured engine (start-up does this too). */
import { loadConfig } from '../server/config.js';
import { openPostgres, PostgresOpenError, sqlState } from './postgres/client.js';
import { migratePostgres } from './postgres/migrate.js';
import { describeTarget } from './postgres/url.js';
import { openDatabase } from './sqlite/client.js';

const config = loadConfig();
if (config.DATABASE_URL) {
  const url = config.DATABASE_URL;
  try {
    const { pool, close } = await openPostgres(url, {
      poolSize: 1,
      onIdleError: (message) => console.error(`db:migrate: idle connection: ${message}`),
    });
    try {
      const applied = await migratePostgres(pool);
      const { host, port, database } = describeTarget(url);
      console.log(`PostgreSQL ${host}:${port}/${database}: ${applied} migration(s) applied`);
    } finally {
      await close();
    }
  } catch (error) {
    const code = sqlState(error);
    const message =
      error instanceof PostgresOpenError
        ? error.message
        : `migration failed${code ? ` (SQLSTATE ${code})` : ''}`;
    console.error(`db:migrate: ${message}`);
    process.exitCode = 1;
  }
} else {
  const { sqlite, close } = openDatabase(config.DATABASE_PATH);
  const applied = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
  console.log(`${config.DATABASE_PATH}: ${applied.n} migration(s) applied`);
  close();
}
