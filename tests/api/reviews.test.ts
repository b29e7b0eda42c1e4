import { describe, expect } from 'vitest';
import { createTestClient } from '../helpers/client.js';
import { errorOf } from '../helpers/errors.js';
import { customer, placeOrder, type Shop } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

type Status = 'pending_payment' | 'paid' | 'fulfilled' | 'delivered' | 'cancelled';

/** `buyer(status)`: a new customer who bought a white mug, the order moved to `status`. */
const it = test.extend('buyer', async ({ app, shop }) => async (status: Status) => {
  const { client } = await customer(app);
  const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
  const orders = shop.admin.admin.orders;
  if (status === 'cancelled') await orders.cancel.mutate({ id: order.id });
  if (status !== 'pending_payment' && status !== 'cancelled') await orders.markPaid.mutate({ id: order.id });
  if (status === 'fulfilled' || status === 'delivered') await orders.fulfill.mutate({ id: order.id });
  if (status === 'delivered') await orders.markDelivered.mutate({ id: order.id });
  return client;
});

const review = (shop: Shop, rating: number, extra: Record<string, string> = {}) => ({
  productId: shop.mug.id,
  rating,
  title: 'Nice',
  body: 'Good mug',
  ...extra,
});

describe('reviews', () => {
  it.for(['paid', 'fulfilled', 'delivered'] as const)(
    'lets a buyer with a %s order review',
    async (status, { buyer, shop }) => {
      const client = await buyer(status);
      expect(await client.reviews.create.mutate(review(shop, 5))).toMatchObject({
        rating: 5,
        verifiedPurchase: true,
      });
    },
  );

  it.for(['pending_payment', 'cancelled'] as const)(
    'refuses a customer whose order is %s',
    async (status, { buyer, shop }) => {
      const client = await buyer(status);
      expect((await errorOf(client.reviews.create.mutate(review(shop, 5)))).data).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'NOT_PURCHASED',
      });
    },
  );

  it('refuses customers who bought something else, and a second review', async ({ shop, buyer }) => {
    const client = await buyer('paid');
    const lamp = { ...review(shop, 4), productId: shop.lamp.id };
    expect((await errorOf(client.reviews.create.mutate(lamp))).data.reason).toBe('NOT_PURCHASED');
    await client.reviews.create.mutate(review(shop, 4));
    expect((await errorOf(client.reviews.create.mutate(review(shop, 2)))).data).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_REVIEWED',
    });
  });

  it('stores text verbatim, keeps the rating aggregate, and lists newest first with paging', async ({
    app,
    shop,
    buyer,
  }) => {
    const texts = [
      '<img src=x onerror=alert(1)>',
      "Robert'); DROP TABLE review;--",
      '  spaced  \n lines ',
      '🙂 ünïcödé',
    ];
    const ratings = [5, 4, 2, 4];
    for (let i = 0; i < texts.length; i++) {
      const client = await buyer('delivered');
      await client.reviews.create.mutate(
        review(shop, ratings[i] ?? 1, { title: texts[i] ?? '', body: texts[i] ?? '' }),
      );
      app.clock.advance(1000);
    }
    const anonymous = createTestClient(app);
    const first = await anonymous.reviews.list.query({ productId: shop.mug.id, limit: 3 });
    const second = await anonymous.reviews.list.query({
      productId: shop.mug.id,
      limit: 3,
      cursor: first.nextCursor ?? '',
    });
    const bodies = [...first.items, ...second.items].map((r) => r.body);
    expect(bodies).toEqual([...texts].reverse());
    expect(second.nextCursor).toBeNull();
    const product = await anonymous.catalog.product.query({ slug: 'mug' });
    expect(product.rating).toEqual({ average: 3.75, count: 4 });
    const card = (await anonymous.catalog.products.query({ sort: 'rating' })).items[0];
    expect(card).toMatchObject({ slug: 'mug', rating: { average: 3.75, count: 4 } });
  });

  it('validates rating, title and body', async ({ shop, buyer }) => {
    const client = await buyer('paid');
    for (const bad of [
      review(shop, 0),
      review(shop, 6),
      review(shop, 4.5),
      review(shop, 3, { title: '' }),
      review(shop, 3, { title: 'x'.repeat(121) }),
      review(shop, 3, { body: 'x'.repeat(5001) }),
    ]) {
      expect((await errorOf(client.reviews.create.mutate(bad))).data.reason).toBe('INVALID_INPUT');
    }
  });
});
