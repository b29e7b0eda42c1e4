/**
 * `npm run db:backup -- FILE`: copies DATABASE_PATH to FILE with SQLite's online backup API,
 * page by page, so the shop keeps serving (and writing) while it runs. SQLite only: a shop on
 * PostgreSQL (DATABASE_URL set) is refused and pointed to pg_dump, rather than backing up whatever
 * file DATABASE_PATH names.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { databaseEngine, loadConfig } from '../server/config.js';
import { backupDatabase } from './backup-database.js';

const target = process.argv[2];
if (!target) {
  console.error('usage: npm run db:backup -- FILE');
  process.exit(2);
}
const config = loadConfig();
if (databaseEngine(config) === 'postgres') {
  console.error(
    'this shop is on PostgreSQL (DATABASE_URL is set): back it up with pg_dump, e.g. pg_dump -Fc DBNAME > shop.dump',
  );
  process.exit(2);
}
if (!existsSync(config.DATABASE_PATH)) {
  console.error(`no database at ${config.DATABASE_PATH}`);
  process.exit(1);
}
if (resolve(target) === resolve(config.DATABASE_PATH)) {
  console.error('the backup file must differ from DATABASE_PATH');
  process.exit(2);
}
const { pages, integrity } = await backupDatabase(config.DATABASE_PATH, target);
console.log(`backed up ${config.DATABASE_PATH} to ${target}: ${pages} pages, integrity ${integrity}`);
if (integrity !== 'ok') process.exit(1);
