import { describe, expect } from 'vitest';
import { createProduct } from '../helpers/catalog.js';
import { createTestClient, newAccount, type TestClient } from '../helpers/client.js';
import { testSql } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { it } from '../helpers/test.js';

/** Every admin catalogue procedure, called with valid-looking input. */
const adminCalls = (c: TestClient) => [
  () => c.admin.categories.create.mutate({ slug: 'x', name: 'X' }),
  () => c.admin.categories.update.mutate({ id: 'x', name: 'Y' }),
  () => c.admin.categories.delete.mutate({ id: 'x' }),
  () =>
    c.admin.products.create.mutate({
      slug: 'x',
      name: 'X',
      description: '',
      variants: [{ sku: 'X', name: 'X', price: 1, stock: 1 }],
    }),
  () => c.admin.products.update.mutate({ id: 'x', name: 'Y' }),
  () => c.admin.products.archive.mutate({ id: 'x' }),
  () => c.admin.products.get.query({ id: 'x' }),
  () => c.admin.products.list.query(),
  () => c.admin.variants.create.mutate({ productId: 'x', sku: 'Y', name: 'Y', price: 1, stock: 1 }),
  () => c.admin.variants.update.mutate({ id: 'x', price: 2 }),
  () => c.admin.inventory.adjust.mutate({ variantId: 'x', delta: 1, reason: 'count' }),
  () => c.admin.inventory.lowStock.query(),
  () => c.admin.inventory.ledger.query({ variantId: 'x', limit: 10 }),
];

describe('admin catalogue: access', () => {
  it('answers UNAUTHORIZED to anonymous callers and FORBIDDEN to customers, and changes nothing', async ({
    app,
  }) => {
    const anonymous = createTestClient(app);
    const customer = createTestClient(app);
    await customer.auth.signUp.mutate(newAccount());
    for (const call of adminCalls(anonymous)) {
      expect((await errorOf(call())).data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    }
    for (const call of adminCalls(customer)) {
      expect((await errorOf(call())).data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    }
    // CAST: PostgreSQL's count(*) is a bigint, which its driver reads as a string.
    expect(await testSql(app).all('SELECT CAST(count(*) AS INTEGER) AS n FROM category')).toEqual([{ n: 0 }]);
    expect(await testSql(app).all('SELECT CAST(count(*) AS INTEGER) AS n FROM product')).toEqual([{ n: 0 }]);
  });

  it('refuses an admin call hidden in a batch with public calls', async ({ app }) => {
    const customer = createTestClient(app);
    await customer.auth.signUp.mutate(newAccount());
    const [info, created] = await Promise.allSettled([
      customer.store.info.query(),
      customer.admin.products.list.query(),
    ]);
    expect(info.status).toBe('fulfilled');
    expect(created.status).toBe('rejected');
    expect(created).toMatchObject({ reason: { data: { code: 'FORBIDDEN', reason: 'FORBIDDEN' } } });
  });
});

describe('admin catalogue: categories', () => {
  it('creates, renames, moves and deletes categories, refusing taken slugs, cycles and non-empty deletes', async ({
    app,
    admin,
  }) => {
    const home = await admin.admin.categories.create.mutate({ slug: 'home', name: 'Home' });
    expect(home).toEqual({
      id: expect.any(String),
      slug: 'home',
      name: 'Home',
      parentId: null,
      productCount: 0,
    });
    const kitchen = await admin.admin.categories.create.mutate({
      slug: 'kitchen',
      name: 'Kitchen',
      parentId: home.id,
    });
    expect(
      (await errorOf(admin.admin.categories.create.mutate({ slug: 'home', name: 'Again' }))).data,
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'SLUG_TAKEN',
    });
    expect(
      (await errorOf(admin.admin.categories.update.mutate({ id: kitchen.id, slug: 'home' }))).data.reason,
    ).toBe('SLUG_TAKEN');
    expect(
      (await errorOf(admin.admin.categories.update.mutate({ id: home.id, parentId: kitchen.id }))).data,
    ).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'INVALID_PARENT',
    });
    expect(
      (await errorOf(admin.admin.categories.update.mutate({ id: home.id, parentId: home.id }))).data.reason,
    ).toBe('INVALID_PARENT');
    expect(
      (
        await errorOf(
          admin.admin.categories.create.mutate({ slug: 'orphan', name: 'O', parentId: 'missing' }),
        )
      ).data.code,
    ).toBe('NOT_FOUND');
    expect(
      (await errorOf(admin.admin.categories.create.mutate({ slug: 'Bad Slug', name: 'B' }))).data.reason,
    ).toBe('INVALID_INPUT');

    const moved = await admin.admin.categories.update.mutate({
      id: kitchen.id,
      parentId: null,
      name: 'Cooking',
    });
    expect(moved).toMatchObject({ parentId: null, name: 'Cooking', slug: 'kitchen' });

    await createProduct(admin, { slug: 'pan', categoryId: kitchen.id });
    expect((await errorOf(admin.admin.categories.delete.mutate({ id: kitchen.id }))).data).toMatchObject({
      code: 'CONFLICT',
      reason: 'CATEGORY_NOT_EMPTY',
    });
    await admin.admin.categories.update.mutate({ id: kitchen.id, parentId: home.id });
    expect((await errorOf(admin.admin.categories.delete.mutate({ id: home.id }))).data.reason).toBe(
      'CATEGORY_NOT_EMPTY',
    );
    const garden = await admin.admin.categories.create.mutate({ slug: 'garden', name: 'Garden' });
    expect(await admin.admin.categories.delete.mutate({ id: garden.id })).toEqual({ ok: true });
    expect((await createTestClient(app).catalog.categories.query()).map((c) => c.slug).sort()).toEqual([
      'home',
      'kitchen',
    ]);
  });
});

describe('admin catalogue: products and variants', () => {
  it('creates a product with variants and returns it with its status', async ({ admin }) => {
    const created = await createProduct(admin, {
      slug: 'lamp',
      name: 'Brass Lamp',
      status: 'draft',
      images: ['https://img.example/lamp.jpg'],
      variants: [
        { sku: 'LAMP-1', name: 'One', price: 9900, stock: 3, compareAtPrice: 12000, weightGrams: 1500 },
      ],
    });
    expect(created).toMatchObject({
      slug: 'lamp',
      name: 'Brass Lamp',
      status: 'draft',
      currency: 'USD',
      images: ['https://img.example/lamp.jpg'],
    });
    expect(created.variants).toEqual([
      {
        id: expect.any(String),
        sku: 'LAMP-1',
        name: 'One',
        price: 9900,
        compareAtPrice: 12000,
        available: 3,
        weightGrams: 1500,
      },
    ]);
    expect((await admin.admin.products.get.query({ id: created.id })).status).toBe('draft');
  });

  it('refuses taken slugs and SKUs, in the shop or within one request, and writes nothing', async ({
    app,
    admin,
  }) => {
    await createProduct(admin, { slug: 'mug', variants: [{ sku: 'MUG-1', name: 'a', price: 1, stock: 1 }] });
    const count = () =>
      testSql(app).all(
        'SELECT CAST((SELECT count(*) FROM product) AS INTEGER) AS p, CAST((SELECT count(*) FROM variant) AS INTEGER) AS v',
      );
    const before = await count();
    expect((await errorOf(createProduct(admin, { slug: 'mug' }))).data).toMatchObject({
      code: 'CONFLICT',
      reason: 'SLUG_TAKEN',
    });
    expect(
      (
        await errorOf(
          createProduct(admin, { slug: 'cup', variants: [{ sku: 'MUG-1', name: 'a', price: 1, stock: 1 }] }),
        )
      ).data,
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'SKU_TAKEN',
    });
    const twice = [
      { sku: 'DUP', name: 'a', price: 1, stock: 1 },
      { sku: 'DUP', name: 'b', price: 1, stock: 1 },
    ];
    expect((await errorOf(createProduct(admin, { slug: 'cup', variants: twice }))).data.reason).toBe(
      'SKU_TAKEN',
    );
    expect(await count()).toEqual(before);
    const cup = await createProduct(admin, { slug: 'cup' });
    expect((await errorOf(admin.admin.products.update.mutate({ id: cup.id, slug: 'mug' }))).data.reason).toBe(
      'SLUG_TAKEN',
    );
    expect(
      (
        await errorOf(
          admin.admin.variants.create.mutate({
            productId: cup.id,
            sku: 'MUG-1',
            name: 'x',
            price: 1,
            stock: 0,
          }),
        )
      ).data.reason,
    ).toBe('SKU_TAKEN');
  });

  it('validates product input: https images, 1-100 variants, non-negative whole money', async ({ admin }) => {
    const base = {
      slug: 'valid',
      name: 'V',
      description: '',
      variants: [{ sku: 'V-1', name: 'v', price: 100, stock: 1 }],
    };
    for (const bad of [
      { ...base, images: ['http://insecure.example/a.jpg'] },
      { ...base, images: ['javascript:alert(1)'] },
      { ...base, variants: [] },
      { ...base, variants: [{ sku: 'V-1', name: 'v', price: -1, stock: 1 }] },
      { ...base, variants: [{ sku: 'V-1', name: 'v', price: 1.5, stock: 1 }] },
      { ...base, variants: [{ sku: 'V-1', name: 'v', price: 1, stock: -1 }] },
      { ...base, status: 'archived' },
      { ...base, slug: '-bad-' },
      { ...base, minPrice: 5 },
    ]) {
      expect((await errorOf(admin.admin.products.create.mutate(bad as typeof base))).data.reason).toBe(
        'INVALID_INPUT',
      );
    }
  });

  it('updates, archives and lists products of every status', async ({ admin }) => {
    const a = await createProduct(admin, { slug: 'a' });
    await createProduct(admin, { slug: 'b', status: 'draft' });
    const updated = await admin.admin.products.update.mutate({
      id: a.id,
      name: 'Renamed',
      description: 'New text',
      images: [],
    });
    expect(updated).toMatchObject({ name: 'Renamed', description: 'New text', images: [], status: 'active' });
    expect((await admin.admin.products.archive.mutate({ id: a.id })).status).toBe('archived');
    const all = await admin.admin.products.list.query();
    expect(all.items.map((p) => [p.slug, p.status]).sort()).toEqual([
      ['a', 'archived'],
      ['b', 'draft'],
    ]);
    expect(
      (await admin.admin.products.list.query({ status: 'draft', limit: 20 })).items.map((p) => p.slug),
    ).toEqual(['b']);
    expect((await errorOf(admin.admin.products.update.mutate({ id: 'missing', name: 'x' }))).data.code).toBe(
      'NOT_FOUND',
    );
  });

  it('adds and updates variants, and the card price follows', async ({ app, admin }) => {
    const p = await createProduct(admin, {
      slug: 'shirt',
      variants: [{ sku: 'SH-M', name: 'M', price: 3000, stock: 1 }],
    });
    const small = await admin.admin.variants.create.mutate({
      productId: p.id,
      sku: 'SH-S',
      name: 'S',
      price: 2500,
      stock: 0,
    });
    expect(small).toMatchObject({ sku: 'SH-S', price: 2500, available: 0, productId: p.id });
    const card = async () => (await createTestClient(app).catalog.products.query()).items[0];
    expect((await card())?.price).toBe(2500);
    await admin.admin.variants.update.mutate({ id: small.id, price: 3500, compareAtPrice: 4000 });
    expect((await card())?.price).toBe(3000);
    const cleared = await admin.admin.variants.update.mutate({ id: small.id, compareAtPrice: null });
    expect(cleared.compareAtPrice).toBeNull();
    expect(
      (await errorOf(admin.admin.variants.update.mutate({ id: 'missing', price: 1 }))).data,
    ).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'VARIANT_NOT_FOUND',
    });
    expect(
      (await errorOf(admin.admin.variants.update.mutate({ id: small.id, stock: 5 } as never))).data.reason,
    ).toBe('INVALID_INPUT');
  });
});

describe('inventory', () => {
  it('adjusts stock, never below zero, and keeps a ledger row for every change', async ({ app, admin }) => {
    const p = await createProduct(admin, {
      slug: 'socks',
      variants: [
        { sku: 'SOCK-1', name: 'a', price: 900, stock: 5 },
        { sku: 'SOCK-2', name: 'b', price: 900, stock: 0 },
      ],
    });
    const [v1, v2] = p.variants;
    if (!v1 || !v2) throw new Error('variants missing');
    expect(
      await admin.admin.inventory.adjust.mutate({ variantId: v1.id, delta: -3, reason: 'damaged in store' }),
    ).toEqual({
      variantId: v1.id,
      stock: 2,
    });
    const refused = await errorOf(
      admin.admin.inventory.adjust.mutate({ variantId: v1.id, delta: -3, reason: 'oops' }),
    );
    expect(refused.data).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_STOCK' });
    expect(
      await admin.admin.inventory.adjust.mutate({ variantId: v2.id, delta: 7, reason: 'delivery' }),
    ).toEqual({ variantId: v2.id, stock: 7 });
    expect(
      (await errorOf(admin.admin.inventory.adjust.mutate({ variantId: 'missing', delta: 1, reason: 'x' })))
        .data.reason,
    ).toBe('VARIANT_NOT_FOUND');
    expect(
      (await errorOf(admin.admin.inventory.adjust.mutate({ variantId: v1.id, delta: 0, reason: 'x' }))).data
        .reason,
    ).toBe('INVALID_INPUT');

    const history = await admin.admin.inventory.ledger.query({ variantId: v1.id, limit: 10 });
    expect(history.items.map((m) => [m.reason, m.delta, m.stockAfter, m.note])).toEqual([
      ['adjustment', -3, 2, 'damaged in store'],
      ['initial', 5, 5, null],
    ]);
    const me = await admin.auth.me.query();
    expect(history.items[0]?.actorId).toBe(me?.id);

    // The ledger accounts for every unit: per variant, the deltas add up to the stock.
    const mismatches = await testSql(app).all(
      'SELECT v.id FROM variant v WHERE v.stock <> (SELECT coalesce(sum(m.delta), 0) FROM inventory_movement m WHERE m.variant_id = v.id)',
    );
    expect(mismatches).toEqual([]);
  });

  it('lists low stock at or under the threshold, skipping archived products', async ({ admin }) => {
    await createProduct(admin, { slug: 'low', variants: [{ sku: 'LOW', name: 'a', price: 1, stock: 2 }] });
    await createProduct(admin, { slug: 'edge', variants: [{ sku: 'EDGE', name: 'a', price: 1, stock: 5 }] });
    await createProduct(admin, {
      slug: 'plenty',
      variants: [{ sku: 'PLENTY', name: 'a', price: 1, stock: 50 }],
    });
    const gone = await createProduct(admin, {
      slug: 'gone',
      variants: [{ sku: 'GONE', name: 'a', price: 1, stock: 0 }],
    });
    await admin.admin.inventory.lowStock.query();
    expect((await admin.admin.inventory.lowStock.query()).map((v) => v.sku)).toEqual(['GONE', 'LOW', 'EDGE']);
    await admin.admin.products.archive.mutate({ id: gone.id });
    expect(
      (await admin.admin.inventory.lowStock.query({ threshold: 2, limit: 100 })).map((v) => [v.sku, v.stock]),
    ).toEqual([['LOW', 2]]);
  });
});
