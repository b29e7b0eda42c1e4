/**
 * `npm run db:seed`: the demo store into an empty database (DATABASE_URL when set, else DATABASE_PATH).
 * `npm run db:seed -- --products 100000`: a large generated catalogue (benchmarks, index tests).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openConfiguredDatabase } from '../server/database.js';
import { catalogIsEmpty, seedDemoStore } from '../server/services/catalog/demo-catalog.js';
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

const database = await openConfiguredDatabase(config, {
  migrate: true,
  onIdleError: (message) => console.error(`db:seed: idle connection: ${message}`),
});
const { engine } = database;
const target = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : config.DATABASE_PATH;
try {
  if (values.products !== undefined) {
    const products = Number(values.products);
    if (!Number.isInteger(products) || products < 1 || products > 5_000_000) {
      console.error('--products expects a whole number from 1 to 5000000');
      process.exitCode = 2;
    } else {
      const started = performance.now();
      const result = await generateCatalogOn(engine, { products, onProgress: progressBar });
      await engine.refreshStatistics();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `generated ${result.products} products, ${result.variants} variants in ${seconds} s into ${target}`,
      );
    }
  } else if (await catalogIsEmpty(engine.read)) {
    const result = await seedDemoStore(engine, Date.now());
    console.log(`demo store: ${result.categories} categories, ${result.products} products in ${target}`);
  } else {
    console.log(`${target} already has a catalogue; nothing seeded`);
  }
} finally {
  await database.close();
}
