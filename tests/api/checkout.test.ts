import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, type Shop, stockOf } from '../helpers/shop.js';
import { it } from '../helpers/test.js';

const orderCount = async (app: TestApp) => (await tableRows(app, 'customerOrder')).length;

describe('shipping options and quotes', () => {
  it('lists options that ship to the country, with the free-shipping rule applied to the cart', async ({
    app,
    shop,
  }) => {
    const { client } = await customer(app);
    await shop.admin.admin.shipping.create.mutate({
      name: 'Anywhere',
      countries: [],
      price: 2500,
      minDays: 7,
      maxDays: 21,
    });
    expect(
      (await client.checkout.shippingOptions.query({ country: 'us' })).map((o) => [o.name, o.price]),
    ).toEqual([
      ['Standard', 599],
      ['Express', 1999],
      ['Anywhere', 2500],
    ]);
    expect((await client.checkout.shippingOptions.query({ country: 'CA' })).map((o) => o.name)).toEqual([
      'Standard',
      'Anywhere',
    ]);
    expect((await client.checkout.shippingOptions.query({ country: 'FR' })).map((o) => o.name)).toEqual([
      'Anywhere',
    ]);
    await client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 2 }); // 19800 ≥ 10000: free
    const options = await client.checkout.shippingOptions.query({ country: 'US' });
    expect(options[0]).toEqual({
      id: shop.standard.id,
      name: 'Standard',
      price: 0,
      estimatedDays: { min: 3, max: 7 },
    });
    expect((await errorOf(client.checkout.shippingOptions.query({ country: 'USA' }))).data.reason).toBe(
      'INVALID_INPUT',
    );
  });

  it('quotes exactly as the API reference prices: discount, free shipping threshold after discount, tax on the discounted subtotal', async ({
    app,
    shop,
  }) => {
    const { client } = await customer(app);
    await shop.admin.admin.discounts.create.mutate({ code: 'TEN', kind: 'percent', value: 10 });
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 3 }); // 5400
    await client.cart.addItem.mutate({ variantId: shop.blue, quantity: 3 }); // 6000
    await client.cart.applyDiscount.mutate({ code: 'TEN' });
    const quote = await client.checkout.quote.query({
      shippingAddress: ADDRESS,
      shippingOptionId: shop.standard.id,
    });
    // 11400 - 1140 = 10260 ≥ 10000: shipping free; tax 8% of 10260 = 820.8 → 821
    expect(quote).toEqual({
      currency: 'USD',
      subtotal: 11400,
      discount: 1140,
      shipping: 0,
      tax: 821,
      total: 11081,
    });

    await client.cart.setQuantity.mutate({ variantId: shop.blue, quantity: 2 }); // 9400 - 940 = 8460 < 10000
    const canada = await client.checkout.quote.query({
      shippingAddress: { ...ADDRESS, country: 'CA' },
      shippingOptionId: shop.standard.id,
    });
    expect(canada).toEqual({
      currency: 'USD',
      subtotal: 9400,
      discount: 940,
      shipping: 599,
      tax: 0,
      total: 9059,
    });
  });

  it('refuses an empty cart and an option that does not ship there', async ({ app, shop }) => {
    const { client } = await customer(app);
    const empty = await errorOf(
      client.checkout.quote.query({ shippingAddress: ADDRESS, shippingOptionId: shop.standard.id }),
    );
    expect(empty.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'CART_EMPTY' });
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const abroad = { shippingAddress: { ...ADDRESS, country: 'CA' }, shippingOptionId: shop.express.id };
    expect((await errorOf(client.checkout.quote.query(abroad))).data).toMatchObject({
      reason: 'SHIPPING_UNAVAILABLE',
    });
    const unknown = { shippingAddress: ADDRESS, shippingOptionId: 'nope' };
    expect((await errorOf(client.checkout.quote.query(unknown))).data).toMatchObject({
      reason: 'SHIPPING_UNAVAILABLE',
    });
  });
});

describe('placing an order', () => {
  const order = (shop: Shop, key: string, extra: Record<string, unknown> = {}) => ({
    idempotencyKey: key,
    shippingAddress: ADDRESS,
    shippingOptionId: shop.standard.id,
    ...extra,
  });

  it('takes stock, snapshots prices, empties the cart and answers with order and payment', async ({
    app,
    shop,
  }) => {
    const { client, user } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    await client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    const placed = await client.checkout.placeOrder.mutate(order(shop, 'first-order-key'));
    expect(placed.order).toMatchObject({
      number: 1001,
      status: 'pending_payment',
      email: user.email,
      currency: 'USD',
      subtotal: 13500,
      discount: null,
      shipping: { optionId: shop.standard.id, name: 'Standard', price: 0 },
      tax: 1080,
      total: 14580,
      shippingAddress: ADDRESS,
      trackingNumber: null,
      history: [{ status: 'pending_payment', at: expect.any(String), note: null }],
    });
    expect(placed.order.items).toEqual([
      {
        variantId: shop.white,
        productId: shop.mug.id,
        productName: 'Stoneware Mug',
        variantName: 'White',
        sku: 'MUG-W',
        unitPrice: 1800,
        quantity: 2,
        lineTotal: 3600,
      },
      expect.objectContaining({ sku: 'LAMP', quantity: 1, lineTotal: 9900 }),
    ]);
    expect(placed.payment).toEqual({
      id: expect.any(String),
      provider: 'manual',
      status: 'pending',
      amount: 14580,
      currency: 'USD',
      clientSecret: null,
    });
    expect(placed.order.payment).toEqual(placed.payment);
    expect(await Promise.all([stockOf(app, shop.white), stockOf(app, shop.lampVariant)])).toEqual([8, 4]);
    expect((await client.cart.get.query()).items).toEqual([]);

    // The snapshot does not follow later price changes.
    await shop.admin.admin.variants.update.mutate({ id: shop.white, price: 9999 });
    expect((await client.orders.get.query({ id: placed.order.id })).items[0]?.unitPrice).toBe(1800);
  });

  it('answers with exactly the order that orders.get reads back (discount, full address, two lines)', async ({
    app,
    shop,
  }) => {
    await shop.admin.admin.discounts.create.mutate({ code: 'SAME', kind: 'percent', value: 10 });
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 3 });
    await client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    await client.cart.applyDiscount.mutate({ code: 'SAME' });
    const address = { ...ADDRESS, line2: 'Flat 2', region: 'IL', phone: '+1 555 0100' };
    const placed = await client.checkout.placeOrder.mutate(
      order(shop, 'read-back-key', { shippingAddress: address }),
    );
    const readBack = await client.orders.get.query({ id: placed.order.id });
    expect(placed.order).toEqual(readBack);
    expect(placed.payment).toEqual(readBack.payment);
    expect(readBack).toMatchObject({ discount: { code: 'SAME' }, shippingAddress: address });
  });

  it('takes nothing when one line is short of stock', async ({ app, shop }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    await client.cart.addItem.mutate({ variantId: shop.blue, quantity: 3 });
    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.blue, delta: -1, reason: 'breakage' });
    const error = await errorOf(client.checkout.placeOrder.mutate(order(shop, 'short-stock-key')));
    expect(error.data).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK' });
    expect(error.message).toContain('MUG-B');
    expect(await Promise.all([stockOf(app, shop.white), stockOf(app, shop.blue)])).toEqual([10, 2]);
    expect(await orderCount(app)).toBe(0);
    expect((await client.cart.get.query()).itemCount).toBe(5);
  });

  it('refuses a changed total with PRICE_CHANGED and takes nothing', async ({ app, shop }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const quote = await client.checkout.quote.query({
      shippingAddress: ADDRESS,
      shippingOptionId: shop.standard.id,
    });
    await shop.admin.admin.variants.update.mutate({ id: shop.white, price: 1900 });
    const error = await errorOf(
      client.checkout.placeOrder.mutate(order(shop, 'price-changed-key', { expectedTotal: quote.total })),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', reason: 'PRICE_CHANGED' });
    expect(await orderCount(app)).toBe(0);
    expect(await stockOf(app, shop.white)).toBe(10);
  });

  it('fails the order with the reason of a code that stopped holding, taking nothing', async ({
    app,
    shop,
  }) => {
    const code = await shop.admin.admin.discounts.create.mutate({ code: 'GONE', kind: 'fixed', value: 100 });
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    await client.cart.applyDiscount.mutate({ code: 'GONE' });
    await shop.admin.admin.discounts.deactivate.mutate({ id: code.id });
    const error = await errorOf(client.checkout.placeOrder.mutate(order(shop, 'expired-code-key')));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'DISCOUNT_EXPIRED' });
    expect(await orderCount(app)).toBe(0);
    expect(await stockOf(app, shop.white)).toBe(10);
    await client.cart.removeDiscount.mutate();
    expect(
      (await client.checkout.placeOrder.mutate(order(shop, 'expired-code-key'))).order.discount,
    ).toBeNull();
  });

  it('lets a once-per-customer code be used once by each customer', async ({ app, shop }) => {
    await shop.admin.admin.discounts.create.mutate({
      code: 'HELLO',
      kind: 'percent',
      value: 10,
      oncePerCustomer: true,
    });
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    await client.cart.applyDiscount.mutate({ code: 'HELLO' });
    expect((await client.checkout.placeOrder.mutate(order(shop, 'hello-1-key'))).order.discount).toEqual({
      code: 'HELLO',
      amount: 180,
    });
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    expect((await errorOf(client.cart.applyDiscount.mutate({ code: 'HELLO' }))).data.reason).toBe(
      'DISCOUNT_EXHAUSTED',
    );
    const { client: other } = await customer(app);
    await other.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    expect((await other.cart.applyDiscount.mutate({ code: 'HELLO' })).discount?.amount).toBe(180);
  });

  it('replays the first answer for a retried key, and refuses the key for a different order', async ({
    app,
    shop,
  }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const first = await client.checkout.placeOrder.mutate(order(shop, 'retry-key-0001'));
    const retry = await client.checkout.placeOrder.mutate(order(shop, 'retry-key-0001'));
    expect(retry).toEqual(first);
    expect(await orderCount(app)).toBe(1);
    expect(await stockOf(app, shop.white)).toBe(9);

    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const reused = await errorOf(
      client.checkout.placeOrder.mutate(
        order(shop, 'retry-key-0001', { shippingAddress: { ...ADDRESS, name: 'Someone Else' } }),
      ),
    );
    expect(reused.data).toMatchObject({ code: 'CONFLICT', reason: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await orderCount(app)).toBe(1);

    // Keys belong to one customer: another customer's identical key is a new order.
    const { client: other } = await customer(app);
    await other.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const theirs = await other.checkout.placeOrder.mutate(order(shop, 'retry-key-0001'));
    expect(theirs.order.id).not.toBe(first.order.id);
    // The replay and the refused reuse took no order number, on either engine.
    expect(theirs.order.number).toBe(first.order.number + 1);
    expect(await tableRows(app, 'idempotencyKey')).toHaveLength(2);
  });

  it('validates the input', async ({ app, shop }) => {
    const { client } = await customer(app);
    for (const bad of [
      order(shop, 'short'),
      order(shop, 'valid-key-1', { shippingAddress: { ...ADDRESS, country: 'Narnia' } }),
      order(shop, 'valid-key-1', { shippingAddress: { ...ADDRESS, postalCode: '' } }),
      order(shop, 'valid-key-1', { expectedTotal: -5 }),
      order(shop, 'valid-key-1', { userId: 'someone' }),
      order(shop, 'valid-key-1', { total: 1 }),
    ]) {
      expect(
        (await errorOf(client.checkout.placeOrder.mutate(bad as ReturnType<typeof order>))).data.reason,
      ).toBe('INVALID_INPUT');
    }
  });
});
