/**
 * `npm run db:seed`: the demo store into an empty database (DATABASE_URL when set, else DATABASE_PATH).
 * `npm run db:seed -- --products 100000`: a large generated catalogue (benchmarks, index tests).
 */
import { parseArgs } from 'node:util';
import type { Engine } from '../db/engine.js';
import { openPostgres } from '../db/postgres/client.js';
import { createPostgresEngine } from '../db/postgres/engine.js';
import { migratePostgres } from '../db/postgres/migrate.js';
import { openDatabase } from '../db/sqlite/client.js';
import { createSqliteEngine } from '../db/sqlite/engine.js';
import { loadConfig } from '../server/config.js';
import { catalogIsEmpty, seedDemoCatalog, seedDemoStoreOn } from '../server/services/catalog/demo-catalog.js';
import { generateCatalogOn } from '../server/services/catalog/generate-catalog.js';

const { values } = parseArgs({ options: { products: { type: 'string' } } });
const config = loadConfig();

function progressBar(done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} products`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (done === total || done % Math.max(1, Math.floor(total / 10)) < 5000)
    process.stderr.write(`${line}\n`);
}

/** The engine DATABASE_URL or DATABASE_PATH selects, and how to seed the demo store on it. */
async function openEngine(): Promise<{
  engine: Engine;
  target: string;
  seedDemo: (now: number) => Promise<{ categories: number; products: number }>;
}> {
  if (config.DATABASE_URL) {
    const handle = await openPostgres(config.DATABASE_URL, {
      poolSize: 2,
      onIdleError: (message) => console.error(`db:seed: idle connection: ${message}`),
    });
    await migratePostgres(handle.pool);
    const engine = createPostgresEngine(handle);
    // NOTE: shipping, tax and the WELCOME10 code are the cart area's, still SQLite-only (issue 12).
    const seedDemo = (now: number) => engine.transaction((tx) => seedDemoCatalog(tx, now));
    return { engine, target: 'PostgreSQL (DATABASE_URL)', seedDemo };
  }
  const database = openDatabase(config.DATABASE_PATH);
  const engine = createSqliteEngine(database);
  const seedDemo = (now: number) => seedDemoStoreOn(engine, database.db, now);
  return { engine, target: config.DATABASE_PATH, seedDemo };
}

const { engine, target, seedDemo } = await openEngine();
try {
  if (values.products !== undefined) {
    const products = Number(values.products);
    if (!Number.isInteger(products) || products < 1 || products > 5_000_000) {
      console.error('--products expects a whole number from 1 to 5000000');
      process.exitCode = 2;
    } else {
      const started = performance.now();
      const result = await generateCatalogOn(engine, { products, onProgress: progressBar });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `generated ${result.products} products, ${result.variants} variants in ${seconds} s into ${target}`,
      );
    }
  } else if (await catalogIsEmpty(engine.read)) {
    const result = await seedDemo(Date.now());
    console.log(`demo store: ${result.categories} categories, ${result.products} products in ${target}`);
  } else {
    console.log(`${target} already has a catalogue; nothing seeded`);
  }
} finally {
  await engine.close();
}
