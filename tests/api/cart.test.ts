import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { customer } from '../helpers/shop.js';
import { it } from '../helpers/test.js';

const cartRows = (app: TestApp) => tableRows(app, 'cart');

describe('guest carts', () => {
  it('reads an empty cart without writing anything or setting a cookie', async ({ app }) => {
    const guest = createTestClient(app);
    const empty = await guest.cart.get.query();
    expect(empty).toEqual({
      id: null,
      currency: 'USD',
      items: [],
      itemCount: 0,
      subtotal: 0,
      discount: null,
      discountProblem: null,
      total: 0,
    });
    expect(await cartRows(app)).toHaveLength(0);
    expect(guest.jar.received).toEqual([]);
  });

  it('creates the cart and its HttpOnly cookie on the first write, and keeps using it', async ({
    app,
    shop,
  }) => {
    const guest = createTestClient(app);
    const first = await guest.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    const cookie = guest.jar.received.find((c) => c.startsWith('cart='));
    expect(cookie).toMatch(/^cart=[a-z2-7]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
    expect(await cartRows(app)).toHaveLength(1);
    expect((await cartRows(app))[0]?.guestTokenHash).not.toContain(guest.jar.cookies.get('cart'));

    const second = await guest.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    expect(second.id).toBe(first.id);
    expect(second.items).toEqual([
      {
        variantId: shop.white,
        productId: shop.mug.id,
        productSlug: 'mug',
        productName: 'Stoneware Mug',
        variantName: 'White',
        sku: 'MUG-W',
        imageUrl: null,
        unitPrice: 1800,
        quantity: 3,
        lineTotal: 5400,
        available: 10,
      },
    ]);
    expect(second).toMatchObject({ itemCount: 3, subtotal: 5400, total: 5400, discount: null });
    expect(await cartRows(app)).toHaveLength(1);
    expect(await createTestClient(app).cart.get.query()).toMatchObject({ id: null, items: [] });
  });

  it('sets, removes and clears lines', async ({ app, shop }) => {
    const guest = createTestClient(app);
    await guest.cart.setQuantity.mutate({ variantId: shop.white, quantity: 4 });
    await guest.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    expect((await guest.cart.setQuantity.mutate({ variantId: shop.white, quantity: 2 })).itemCount).toBe(3);
    expect(
      (await guest.cart.setQuantity.mutate({ variantId: shop.white, quantity: 0 })).items.map((i) => i.sku),
    ).toEqual(['LAMP']);
    expect((await guest.cart.removeItem.mutate({ variantId: shop.lampVariant })).items).toEqual([]);
    await guest.cart.addItem.mutate({ variantId: shop.blue, quantity: 1 });
    expect((await guest.cart.clear.mutate()).items).toEqual([]);
  });

  it('refuses more than is available, unknown or hidden variants, and over 99 of one line, changing nothing', async ({
    app,
    shop,
  }) => {
    const guest = createTestClient(app);
    await guest.cart.addItem.mutate({ variantId: shop.blue, quantity: 2 });
    const tooMany = await errorOf(guest.cart.addItem.mutate({ variantId: shop.blue, quantity: 2 }));
    expect(tooMany.data).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK' });
    expect(
      (await errorOf(guest.cart.setQuantity.mutate({ variantId: shop.blue, quantity: 4 }))).data.reason,
    ).toBe('OUT_OF_STOCK');
    expect((await errorOf(guest.cart.addItem.mutate({ variantId: shop.red, quantity: 1 }))).data.reason).toBe(
      'OUT_OF_STOCK',
    );
    expect((await errorOf(guest.cart.addItem.mutate({ variantId: 'nope', quantity: 1 }))).data).toMatchObject(
      {
        code: 'NOT_FOUND',
        reason: 'VARIANT_NOT_FOUND',
      },
    );
    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.white, delta: 200, reason: 'delivery' });
    await guest.cart.addItem.mutate({ variantId: shop.white, quantity: 99 });
    expect(
      (await errorOf(guest.cart.addItem.mutate({ variantId: shop.white, quantity: 1 }))).data.reason,
    ).toBe('QUANTITY_LIMIT');
    for (const quantity of [0, 100, 1.5, -1]) {
      expect(
        (await errorOf(guest.cart.addItem.mutate({ variantId: shop.white, quantity }))).data.reason,
      ).toBe('INVALID_INPUT');
    }
    const after = await guest.cart.get.query();
    expect(after.items.map((i) => [i.sku, i.quantity])).toEqual([
      ['MUG-B', 2],
      ['MUG-W', 99],
    ]);

    await shop.admin.admin.products.update.mutate({ id: shop.lamp.id, status: 'draft' });
    expect(
      (await errorOf(guest.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }))).data.reason,
    ).toBe('VARIANT_NOT_FOUND');
  });

  it('reprices on every read and shows current availability', async ({ app, shop }) => {
    const guest = createTestClient(app);
    await guest.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 2 });
    await shop.admin.admin.variants.update.mutate({ id: shop.lampVariant, price: 8900 });
    await shop.admin.admin.inventory.adjust.mutate({
      variantId: shop.lampVariant,
      delta: -4,
      reason: 'breakage',
    });
    const now = await guest.cart.get.query();
    expect(now.items[0]).toMatchObject({ unitPrice: 8900, quantity: 2, lineTotal: 17800, available: 1 });
    expect(now.subtotal).toBe(17800);
    await shop.admin.admin.products.archive.mutate({ id: shop.lamp.id });
    expect((await guest.cart.get.query()).items[0]?.available).toBe(0);
  });

  it('ignores a forged or foreign cart cookie', async ({ app, shop }) => {
    const owner = createTestClient(app);
    await owner.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const forged = createTestClient(app);
    forged.jar.cookies.set('cart', 'a'.repeat(32));
    expect((await forged.cart.get.query()).items).toEqual([]);
    forged.jar.cookies.set('cart', "' OR 1=1 --");
    expect((await forged.cart.get.query()).items).toEqual([]);
  });
});

describe('carts at sign-in', () => {
  it('merges the guest cart into the user cart: quantities added, capped at stock, guest cart gone', async ({
    app,
    shop,
  }) => {
    const { client: shopper, account } = await customer(app);
    await shopper.cart.addItem.mutate({ variantId: shop.blue, quantity: 2 });
    await shopper.auth.signOut.mutate();

    await shopper.cart.addItem.mutate({ variantId: shop.blue, quantity: 3 }); // as a guest now
    await shopper.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    expect(await cartRows(app)).toHaveLength(2);
    await shopper.auth.signIn.mutate({ email: account.email, password: account.password });

    const merged = await shopper.cart.get.query();
    expect(merged.items.map((i) => [i.sku, i.quantity])).toEqual([
      ['MUG-B', 3], // 2 + 3 capped at the 3 in stock
      ['LAMP', 1],
    ]);
    expect(await cartRows(app)).toHaveLength(1);
    expect(shopper.jar.received.some((header) => /^cart=; .*Max-Age=0/.test(header))).toBe(true);
    expect(shopper.jar.cookies.has('cart')).toBe(false);
  });

  it('brings a guest cart along at sign-up', async ({ app, shop }) => {
    const shopper = createTestClient(app);
    await shopper.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    await shopper.auth.signUp.mutate(newAccount());
    expect((await shopper.cart.get.query()).items.map((i) => i.quantity)).toEqual([2]);
  });

  it('keeps the user cart separate from any guest cart after sign-out', async ({ app, shop }) => {
    const { client: shopper } = await customer(app);
    await shopper.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    await shopper.auth.signOut.mutate();
    expect((await shopper.cart.get.query()).items).toEqual([]);
  });
});

describe('discount codes in the cart', () => {
  it('applies a code case-insensitively and prices it; refuses unknown, expired, too-small and used-up codes', async ({
    app,
    shop,
  }) => {
    const { admin } = shop;
    await admin.admin.discounts.create.mutate({ code: 'save10', kind: 'percent', value: 10 });
    await admin.admin.discounts.create.mutate({
      code: 'BIG',
      kind: 'fixed',
      value: 5000,
      minSubtotal: 20000,
    });
    await admin.admin.discounts.create.mutate({
      code: 'LATER',
      kind: 'percent',
      value: 5,
      startsAt: new Date(app.clock.now() + 86_400_000).toISOString(),
    });
    const off = await admin.admin.discounts.create.mutate({ code: 'OFF', kind: 'fixed', value: 100 });
    await admin.admin.discounts.deactivate.mutate({ id: off.id });

    const guest = createTestClient(app);
    await guest.cart.addItem.mutate({ variantId: shop.white, quantity: 3 }); // 5400
    const applied = await guest.cart.applyDiscount.mutate({ code: 'Save10' });
    expect(applied).toMatchObject({ subtotal: 5400, discount: { code: 'SAVE10', amount: 540 }, total: 4860 });

    const fail = async (code: string) => (await errorOf(guest.cart.applyDiscount.mutate({ code }))).data;
    expect(await fail('NOPE')).toMatchObject({ code: 'NOT_FOUND', reason: 'DISCOUNT_NOT_FOUND' });
    expect(await fail('BIG')).toMatchObject({ code: 'BAD_REQUEST', reason: 'DISCOUNT_MIN_SUBTOTAL' });
    expect(await fail('LATER')).toMatchObject({ reason: 'DISCOUNT_EXPIRED' });
    expect(await fail('OFF')).toMatchObject({ reason: 'DISCOUNT_EXPIRED' });
    expect((await guest.cart.get.query()).discount).toEqual({ code: 'SAVE10', amount: 540 });

    expect((await guest.cart.removeDiscount.mutate()).discount).toBeNull();
  });

  it('shows why an attached code gives nothing any more', async ({ app, shop }) => {
    await shop.admin.admin.discounts.create.mutate({
      code: 'MIN50',
      kind: 'fixed',
      value: 500,
      minSubtotal: 5000,
    });
    const guest = createTestClient(app);
    await guest.cart.addItem.mutate({ variantId: shop.white, quantity: 3 });
    await guest.cart.applyDiscount.mutate({ code: 'MIN50' });
    const reduced = await guest.cart.setQuantity.mutate({ variantId: shop.white, quantity: 1 });
    expect(reduced).toMatchObject({
      discount: null,
      discountProblem: { code: 'MIN50', reason: 'DISCOUNT_MIN_SUBTOTAL' },
      total: 1800,
    });
  });
});
