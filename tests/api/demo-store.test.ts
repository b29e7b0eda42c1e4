import { describe, expect } from 'vitest';
import { bootstrap } from '../../server/bootstrap.js';
import { createTestClient } from '../helpers/client.js';
import { it } from '../helpers/test.js';

describe('the demo store', () => {
  it('is created on first start with an empty database, once', async ({ makeApp }) => {
    const app = await makeApp({ SEED_DEMO: 'true' });
    await bootstrap(app.deps);
    await bootstrap(app.deps);
    const shopper = createTestClient(app);
    const categories = await shopper.catalog.categories.query();
    expect(categories.length).toBeGreaterThanOrEqual(8);
    expect(categories.filter((c) => c.parentId === null).length).toBeGreaterThanOrEqual(3);
    expect(categories.every((c) => c.productCount > 0)).toBe(true);
    const total = categories.filter((c) => c.parentId === null).reduce((sum, c) => sum + c.productCount, 0);
    expect(total).toBeGreaterThanOrEqual(50);

    const page = await shopper.catalog.products.query({ limit: 100 });
    expect(page.items).toHaveLength(total);
    expect(page.items.filter((p) => p.inStock).length).toBeGreaterThan(total * 0.8);
    const mug = await shopper.catalog.products.query({ q: 'stoneware mug' });
    expect(mug.items[0]?.name).toBe('Stoneware Coffee Mug');
    const detail = await shopper.catalog.product.query({ slug: mug.items[0]?.slug ?? '' });
    expect(detail.variants.length).toBe(3);
    expect(detail.description.length).toBeGreaterThan(40);
    expect(detail.images[0]).toMatch(/^https:\/\//);
  });

  it('is not created when SEED_DEMO=false', async ({ makeApp }) => {
    const app = await makeApp({ SEED_DEMO: 'false' });
    await bootstrap(app.deps);
    expect((await createTestClient(app).catalog.products.query()).items).toEqual([]);
  });
});
