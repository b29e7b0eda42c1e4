import { defineConfig } from 'drizzle-kit';

/**
 * The engine follows DATABASE_URL, as the server does: unset → SQLite (db/sqlite/schema → db/sqlite/migrations);
 * postgres:// or postgresql:// → PostgreSQL (db/postgres/schema → db/postgres/migrations).
 * `DATABASE_URL=postgres://localhost/x npm run db:generate` writes PostgreSQL migrations (generating
 * connects to nothing).
 */
const url = process.env.DATABASE_URL;

export default url && /^postgres(ql)?:\/\//i.test(url)
  ? defineConfig({
      dialect: 'postgresql',
      schema: './db/postgres/schema/index.ts',
      out: './db/postgres/migrations',
      dbCredentials: { url },
    })
  : defineConfig({
      dialect: 'sqlite',
      schema: './db/sqlite/schema/index.ts',
      out: './db/sqlite/migrations',
      dbCredentials: { url: process.env.DATABASE_PATH ?? './data/backroom.db' },
    });
