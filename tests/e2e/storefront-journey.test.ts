import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import { httpClient } from '../helpers/http-client.js';
import { type ServerProcess, shopDatabase, startServer } from '../helpers/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer({
    ...(await shopDatabase('journey')),
    SEED_DEMO: 'true',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  });
}, 60_000);
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

describe('the storefront journey, over HTTP with the typed client', () => {
  it('browses, fills a guest cart, signs in (merge), uses a code, orders, gets paid, shipped, delivered, reviewed', async () => {
    // Browse the demo store as a guest.
    const shopper = httpClient(server.url);
    const categories = await shopper.catalog.categories.query();
    const kitchen = categories.find((c) => c.slug === 'kitchen');
    expect(kitchen?.productCount).toBeGreaterThan(0);
    const found = await shopper.catalog.products.query({ q: 'stoneware mug', category: 'home' });
    const mugCard = found.items[0];
    expect(mugCard?.name).toBe('Stoneware Coffee Mug');
    const mug = await shopper.catalog.product.query({ slug: mugCard?.slug ?? '' });
    const variant = mug.variants.find((v) => v.available >= 3);
    if (!variant) throw new Error('demo mug has no stock');

    // A guest cart, then an account: the cart comes along.
    await shopper.cart.addItem.mutate({ variantId: variant.id, quantity: 2 });
    const account = { email: 'ann@example.com', password: 'ann-password-1', name: 'Ann Buyer' };
    await shopper.auth.signUp.mutate(account);
    await shopper.auth.signOut.mutate();
    await shopper.cart.addItem.mutate({ variantId: variant.id, quantity: 1 });
    await shopper.auth.signIn.mutate({ email: account.email, password: account.password });
    const cart = await shopper.cart.get.query();
    expect(cart.items.map((i) => [i.variantId, i.quantity])).toEqual([[variant.id, 3]]);

    // The demo code, shipping and a quote.
    const withCode = await shopper.cart.applyDiscount.mutate({ code: 'welcome10' });
    const subtotal = variant.price * 3;
    expect(withCode.discount).toEqual({ code: 'WELCOME10', amount: Math.round(subtotal * 0.1) });
    const options = await shopper.checkout.shippingOptions.query({ country: 'US' });
    expect(options.map((o) => o.name).sort()).toEqual(['Express', 'International', 'Standard']);
    const standard = options.find((o) => o.name === 'Standard');
    if (!standard) throw new Error('no standard shipping');
    const quote = await shopper.checkout.quote.query({
      shippingAddress: ADDRESS,
      shippingOptionId: standard.id,
    });
    const discounted = subtotal - Math.round(subtotal * 0.1);
    expect(quote).toEqual({
      currency: 'USD',
      subtotal,
      discount: Math.round(subtotal * 0.1),
      shipping: standard.price,
      tax: Math.round((discounted * 800) / 10000),
      total: discounted + standard.price + Math.round((discounted * 800) / 10000),
    });

    // The order.
    const { order, payment } = await shopper.checkout.placeOrder.mutate({
      idempotencyKey: 'journey-order-0001',
      shippingAddress: ADDRESS,
      shippingOptionId: standard.id,
      expectedTotal: quote.total,
    });
    expect(order).toMatchObject({
      status: 'pending_payment',
      total: quote.total,
      discount: { code: 'WELCOME10' },
    });
    expect(payment).toMatchObject({
      provider: 'manual',
      status: 'pending',
      amount: quote.total,
      clientSecret: null,
    });
    expect((await shopper.cart.get.query()).items).toEqual([]);
    const afterOrder = await shopper.catalog.product.query({ slug: mug.slug });
    expect(afterOrder.variants.find((v) => v.id === variant.id)?.available).toBe(variant.available - 3);

    // Not reviewable until paid.
    const early = await shopper.reviews.create
      .mutate({ productId: mug.id, rating: 5, title: 'Great', body: 'Lovely mug' })
      .catch((e) => e.data.reason);
    expect(early).toBe('NOT_PURCHASED');

    // The shop runs the order.
    const admin = httpClient(server.url);
    await admin.auth.signIn.mutate(ADMIN);
    expect((await admin.admin.orders.markPaid.mutate({ id: order.id })).status).toBe('paid');
    expect(
      (await admin.admin.orders.fulfill.mutate({ id: order.id, trackingNumber: '1Z999' })).trackingNumber,
    ).toBe('1Z999');
    const delivered = await admin.admin.orders.markDelivered.mutate({ id: order.id });
    expect(delivered.history.map((h) => h.status)).toEqual([
      'pending_payment',
      'paid',
      'fulfilled',
      'delivered',
    ]);
    expect(delivered.payment.status).toBe('succeeded');

    // The customer sees it and reviews the product.
    const mine = await shopper.orders.list.query();
    expect(mine.items).toEqual([
      expect.objectContaining({ id: order.id, status: 'delivered', itemCount: 3, total: quote.total }),
    ]);
    const review = await shopper.reviews.create.mutate({
      productId: mug.id,
      rating: 4,
      title: 'Solid <b>mug</b>',
      body: 'Keeps coffee warm. <script>alert(1)</script>',
    });
    expect(review).toMatchObject({
      rating: 4,
      title: 'Solid <b>mug</b>',
      authorName: 'Ann Buyer',
      verifiedPurchase: true,
    });
    expect((await shopper.reviews.list.query({ productId: mug.id, limit: 10 })).items[0]?.body).toBe(
      'Keeps coffee warm. <script>alert(1)</script>',
    );
    expect((await shopper.catalog.product.query({ slug: mug.slug })).rating).toEqual({
      average: 4,
      count: 1,
    });

    // And the report counts it.
    const today = new Date().toISOString().slice(0, 10);
    const report = await admin.admin.reports.sales.query({ from: today, to: today });
    expect(report).toMatchObject({ orders: 1, revenue: quote.total, averageOrderValue: quote.total });
    expect(report.topProducts[0]).toMatchObject({ productId: mug.id, quantity: 3 });
  }, 60_000);
});
