import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { seedDemoStore } from '../../server/services/catalog/demo-catalog.js';
import { findProduct, listCategories, listProducts } from '../../server/services/catalog/products.js';

describe('catalog store on SQLite', () => {
  it('prepares the product page and list queries once per connection, however often they run', async () => {
    const handle = openDatabase(':memory:');
    const engine = createSqliteEngine(handle);
    await seedDemoStore(engine, Date.now());
    const slug = handle.sqlite.prepare('SELECT slug FROM product LIMIT 1').pluck().get();
    if (typeof slug !== 'string') throw new Error('the demo store has no product');
    const original = handle.sqlite.prepare.bind(handle.sqlite);
    let prepares = 0;
    handle.sqlite.prepare = ((source: string) => {
      prepares += 1;
      return original(source);
    }) as typeof handle.sqlite.prepare;
    const hotPath = async () => {
      expect(await findProduct(engine.read, { slug }, { activeOnly: true })).not.toBeNull();
      await listProducts(engine.read, { limit: 20 }, 'USD');
      await listProducts(engine.read, { limit: 20, q: 'mug' }, 'USD');
      await listProducts(engine.read, { limit: 20, minPrice: 1000, maxPrice: 5000, sort: 'rating' }, 'USD');
    };
    await hotPath();
    const afterFirst = prepares;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) await hotPath();
    expect(prepares).toBe(afterFirst);
    expect((await listCategories(engine.read)).length).toBeGreaterThan(0);
    await engine.close();
  });
});
