import { describe, expect } from 'vitest';
import { collect, createLiveClient } from '../helpers/live-client.js';
import { customer, placeOrder } from '../helpers/shop.js';
import { test as it } from '../helpers/test.js';

type Stock = { productId: string; variantId: string; available: number };

describe('catalog.watchStock', () => {
  it('reports the stock left after an order and after its cancellation, for the products asked about', async ({
    app,
    shop,
  }) => {
    const watcher = createLiveClient(await app.url()); // signed out: public
    const stream = collect<Stock>((h) =>
      watcher.catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h),
    );
    await new Promise((resolve) => setTimeout(resolve, 100)); // the stream is open before the changes

    const { client } = await customer(app);
    // The lamp is not watched: its change never reaches this stream.
    const lampOrder = await placeOrder(client, shop, [{ variantId: shop.lampVariant, quantity: 1 }]);
    const { order } = await placeOrder(client, shop, [
      { variantId: shop.white, quantity: 2 },
      { variantId: shop.blue, quantity: 1 },
    ]);
    const taken = await stream.waitFor(2);
    const byVariant = (events: typeof taken) =>
      Object.fromEntries(events.map((e) => [e.data.variantId, e.data.available]));
    expect(byVariant(taken)).toEqual({ [shop.white]: 8, [shop.blue]: 2 });
    for (const event of taken) {
      expect(Object.keys(event.data).sort()).toEqual(['available', 'productId', 'variantId']);
      expect(event.data.productId).toBe(shop.mug.id);
    }

    await client.orders.cancel.mutate({ id: order.id });
    const all = await stream.waitFor(4);
    expect(byVariant(all.slice(2))).toEqual({ [shop.white]: 10, [shop.blue]: 3 });

    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.white, delta: -4, reason: 'breakage' });
    const adjusted = await stream.waitFor(5);
    expect(adjusted[4]?.data).toEqual({ productId: shop.mug.id, variantId: shop.white, available: 6 });
    expect(stream.events.some((e) => e.data.variantId === shop.lampVariant)).toBe(false);
    expect(lampOrder.order.status).toBe('pending_payment');
    stream.stop();
  });

  it('refuses an empty or oversized product list with BAD_REQUEST', async ({ app }) => {
    const watcher = createLiveClient(await app.url());
    for (const productIds of [[], Array.from({ length: 51 }, (_, i) => `p${i}`)]) {
      const stream = collect<Stock>((h) => watcher.catalog.watchStock.subscribe({ productIds }, h));
      expect((await stream.error()).data).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_INPUT' });
    }
  });
});
