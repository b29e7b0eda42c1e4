/** `npm run db:migrate`: applies the committed migrations to DATABASE_PATH (start-up does this too). */
import { loadConfig } from '../server/config.js';
import { openDatabase } from './client.js';

const config = loadConfig();
const { sqlite, close } = openDatabase(config.DATABASE_PATH);
const applied = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
console.log(`${config.DATABASE_PATH}: ${applied.n} migration(s) applied`);
close();
