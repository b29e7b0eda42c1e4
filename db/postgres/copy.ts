import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { z } from 'zod';
import { committedMigrationCount } from '../sqlite/client.js';
import * as lite from '../sqlite/schema/index.js';
import { openPostgres, type PostgresHandle } from './client.js';
import { TABLES } from './copy-tables.js';
import { migratePostgres } from './migrate.js';
import { analyzeTablesWithRows } from './statistics.js';
import { describeTarget } from './url.js';

/** The copy was refused before anything was written (non-empty target, unusable source): exit 2. */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/** The copy failed after the target's schema was migrated (committed); no row was copied: exit 1. */
export class CopyFailedAfterMigration extends Error {
  override name = 'CopyFailedAfterMigration';
}

export interface CopyOptions {
  from: string;
  to: string;
  batchSize?: number;
  /** Progress lines (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
}

export interface TableReport {
  name: string;
  rows: number;
  /** Sum of the money and stock columns, equal on both engines. */
  checksum: number;
}

const countRow = z.object({ n: z.number() });
const sumRow = z.object({ total: z.number().nullable() });

/**
 * Quotes an identifier. NOTE: every identifier that reaches `sql.raw` here is a table or column
 * name from TABLES (code), never input; the values themselves go through drizzle's parameters.
 */
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** An aggregate, so it yields one row even on an empty table. */
function sumExpression(columns: string[]): string {
  if (columns.length === 0) return 'count(*) * 0';
  return columns.map((c) => `coalesce(sum(${quote(c)}), 0)`).join(' + ');
}

function openSource(path: string) {
  if (!existsSync(path)) throw new CopyRefused(`source ${path} does not exist`);
  // NOTE: read-only, so the shop's file is never written; reads run in one transaction (a snapshot),
  // so a server still running on the file cannot make the copy inconsistent.
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const applied = countRow.parse(sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).n;
    if (applied !== committedMigrationCount()) {
      throw new CopyRefused(
        `source ${path} has ${applied} of ${committedMigrationCount()} migrations; start this version of Backroom on it once (or npm run db:migrate with DATABASE_PATH) first`,
      );
    }
  } catch (error) {
    sqlite.close();
    if (error instanceof CopyRefused) throw error;
    throw new CopyRefused(`source ${path} is not a Backroom SQLite database`);
  }
  return sqlite;
}

/** Names of our tables that already hold rows in the target (missing tables count as empty). */
async function nonEmptyTables(handle: PostgresHandle): Promise<string[]> {
  const { rows } = await handle.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const present = new Set(rows.map((r) => r.name));
  const full: string[] = [];
  for (const name of [...TABLES.map((t) => t.name), 'product_search']) {
    if (!present.has(name)) continue;
    const result = await handle.pool.query(`SELECT 1 FROM ${quote(name)} LIMIT 1`);
    if (result.rowCount) full.push(name);
  }
  return full;
}

/**
 * `npm run db:copy`: copies a shop from an SQLite file into an empty PostgreSQL database in one
 * transaction (ids kept, foreign-key order, batches), then checks row counts and money/stock sums per
 * table and continues every identity sequence after the copied ids. Refuses (CopyRefused) a target
 * that holds any row, before writing anything.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<TableReport[]> {
  const { from, to, batchSize = 1000 } = options;
  const progress = options.onProgress ?? (() => {});
  const target = describeTarget(to);
  const sqlite = openSource(from);
  let handle: PostgresHandle | undefined;
  try {
    handle = await openPostgres(to, {
      poolSize: 2,
      onIdleError: (message) => progress(`idle connection: ${message}`),
    });
    const full = await nonEmptyTables(handle);
    if (full.length > 0) {
      throw new CopyRefused(
        `target database "${target.database}" is not empty (${full.join(', ')} hold rows); db:copy only fills an empty database`,
      );
    }
    progress(`migrating ${target.host}:${target.port}/${target.database}`);
    await migratePostgres(handle.pool);
    return await copyRows(sqlite, handle, batchSize, progress).catch((error: unknown) => {
      if (error instanceof CopyRefused) throw error;
      throw new CopyFailedAfterMigration('the copy failed', { cause: error });
    });
  } finally {
    sqlite.close();
    await handle?.close();
  }
}

/** Copies every table in one PostgreSQL transaction over one SQLite read snapshot. */
async function copyRows(
  sqlite: Database.Database,
  handle: PostgresHandle,
  batchSize: number,
  progress: (line: string) => void,
): Promise<TableReport[]> {
  const source = drizzle(sqlite, { schema: lite });
  sqlite.exec('BEGIN'); // one read snapshot for the whole copy
  try {
    // A node-postgres transaction (one pooled client, BEGIN … COMMIT around the awaited work), so
    // an async callback is right here; the SQLite side is only read, in the snapshot opened above.
    const copied = await handle.db.transaction(async (tx) => {
      const names = TABLES.map((t) => quote(t.name)).join(', ');
      await tx.execute(sql.raw(`LOCK TABLE ${names}, product_search IN ACCESS EXCLUSIVE MODE`));
      for (const { name } of TABLES) {
        const rows = await tx.execute(sql.raw(`SELECT 1 FROM ${quote(name)} LIMIT 1`));
        if (rows.rowCount) throw new CopyRefused(`target table ${name} filled up meanwhile; nothing copied`);
      }
      // The copied rows already hold what the catalogue triggers compute (min price, stock total):
      // they are off during the copy and product_search is rebuilt in one statement after it.
      await tx.execute(sql.raw('ALTER TABLE product DISABLE TRIGGER USER'));
      await tx.execute(sql.raw('ALTER TABLE variant DISABLE TRIGGER USER'));
      const reports: TableReport[] = [];
      for (const copy of TABLES) {
        const total = countRow.parse(sqlite.prepare(`SELECT count(*) AS n FROM ${quote(copy.name)}`).get()).n;
        let done = 0;
        progress(`${copy.name}: 0/${total}`);
        for (;;) {
          const copied = await copy.copyBatch(source, tx, done, batchSize);
          done += copied;
          if (copied < batchSize) break;
          if ((done / batchSize) % 10 === 0) progress(`${copy.name}: ${done}/${total}`);
        }
        if (total > 0) progress(`${copy.name}: ${done}/${total}`);
        const copiedRows = countRow.parse(
          (await tx.execute(sql.raw(`SELECT count(*) AS n FROM ${quote(copy.name)}`))).rows[0],
        ).n;
        const sums = `SELECT ${sumExpression(copy.summed)} AS total FROM ${quote(copy.name)}`;
        const sourceSum = sumRow.parse(sqlite.prepare(sums).get()).total ?? 0;
        const targetSum = sumRow.parse((await tx.execute(sql.raw(sums))).rows[0]).total ?? 0;
        if (copiedRows !== total || done !== total) {
          throw new Error(
            `${copy.name}: ${total} rows in the source, ${copiedRows} in the target; nothing copied`,
          );
        }
        if (targetSum !== sourceSum) {
          throw new Error(
            `${copy.name}: checksum ${sourceSum} in the source, ${targetSum} in the target; nothing copied`,
          );
        }
        if (copy.identity) await continueSequence(tx, sqlite, copy.name, copy.identity);
        if (copy.name === 'customer_order') await continueOrderNumbers(tx);
        reports.push({ name: copy.name, rows: total, checksum: sourceSum });
      }
      progress('product_search: rebuilding');
      await tx.execute(
        sql.raw(`INSERT INTO product_search (seq, document)
          SELECT p.seq, backroom_product_document(p.name, p.description, v.skus)
          FROM product p LEFT JOIN (
            SELECT product_id, string_agg(sku, ' ') AS skus FROM variant GROUP BY product_id
          ) v ON v.product_id = p.id`),
      );
      await tx.execute(sql.raw('ALTER TABLE product ENABLE TRIGGER USER'));
      await tx.execute(sql.raw('ALTER TABLE variant ENABLE TRIGGER USER'));
      progress('committing');
      return reports;
    });
    // The planner's statistics for the loaded tables (a search planned without them took 50x longer).
    progress('analyzing');
    await analyzeTablesWithRows(handle.pool);
    return copied;
  } finally {
    sqlite.exec('COMMIT');
  }
}

type Tx = Parameters<Parameters<PostgresHandle['db']['transaction']>[0]>[0];

/**
 * The next generated id continues after the highest id SQLite ever handed out (AUTOINCREMENT's
 * sqlite_sequence, which stays above deleted rows), so no id is ever reused.
 */
/** Order numbers continue after the highest copied one (1001 first when there is none). */
async function continueOrderNumbers(tx: Tx) {
  await tx.execute(
    sql`SELECT setval('order_number_seq', coalesce(max(number), 1000) + 1, false) FROM customer_order`,
  );
}

async function continueSequence(tx: Tx, sqlite: Database.Database, name: string, column: string) {
  const used = sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').get(name);
  const highest = Math.max(
    z.object({ seq: z.number() }).optional().parse(used)?.seq ?? 0,
    z
      .object({ n: z.number().nullable() })
      .parse(sqlite.prepare(`SELECT max(${quote(column)}) AS n FROM ${quote(name)}`).get()).n ?? 0,
  );
  await tx.execute(
    sql`SELECT setval(pg_get_serial_sequence(${quote(name)}, ${column}), ${highest + 1}, false)`,
  );
}
