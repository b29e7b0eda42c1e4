/**
 * `npm run db:seed`: the demo store into an empty DATABASE_PATH.
 * `npm run db:seed -- --products 100000`: a large generated catalogue (benchmarks, index tests).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/sqlite/client.js';
import { loadConfig } from '../server/config.js';
import { generateCatalog } from '../server/services/catalog/catalog-generator.js';
import { catalogIsEmpty, seedDemoStore } from '../server/services/catalog/demo-store.js';

const { values } = parseArgs({ options: { products: { type: 'string' } } });
const config = loadConfig();
const database = openDatabase(config.DATABASE_PATH);

function progressBar(done: number, total: number) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} products`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (done === total || done % Math.max(1, Math.floor(total / 10)) < 5000)
    process.stderr.write(`${line}\n`);
}

try {
  if (values.products !== undefined) {
    const products = Number(values.products);
    if (!Number.isInteger(products) || products < 1 || products > 5_000_000) {
      console.error('--products expects a whole number from 1 to 5000000');
      process.exit(2);
    }
    const started = performance.now();
    const result = generateCatalog(database.sqlite, { products, onProgress: progressBar });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `generated ${result.products} products, ${result.variants} variants in ${seconds} s into ${config.DATABASE_PATH}`,
    );
  } else if (catalogIsEmpty(database.db)) {
    const result = seedDemoStore(database.db, Date.now());
    console.log(
      `demo store: ${result.categories} categories, ${result.products} products in ${config.DATABASE_PATH}`,
    );
  } else {
    console.log(`${config.DATABASE_PATH} already has a catalogue; nothing seeded`);
  }
} finally {
  database.close();
}
