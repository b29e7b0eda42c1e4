import { describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { collect, createLiveClient, type Received } from '../helpers/live-client.js';
import { eventually } from '../helpers/receivers.js';
import { customer, placeOrder, setupShop } from '../helpers/shop.js';
import { test as it } from '../helpers/test.js';

type Stock = { productId: string; variantId: string; available: number };

/** Nothing of the live updates is left behind in the process: no bus listener, no limit slot. */
async function nothingLeft(app: TestApp) {
  await eventually(() => app.deps.live.bus.size === 0 && app.deps.live.limits.keys === 0);
}

describe('live update limits', () => {
  it('allows 20 open subscriptions per session, then RATE_LIMITED; a closed one frees its slot', async ({
    app,
    shop,
  }) => {
    const { client } = await customer(app);
    const live = createLiveClient(await app.url(), client.jar);
    const watch = () =>
      collect<Stock>((h) => live.catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h));
    const open: Received<Stock>[] = [];
    for (let i = 0; i < 20; i++) open.push(watch());
    await eventually(() => app.deps.live.bus.size === 20);

    const refused = watch();
    expect((await refused.error()).data).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED' });
    refused.stop();

    // Another session is counted on its own.
    const other = await customer(app);
    const elsewhere = createLiveClient(await app.url(), other.client.jar);
    const allowed = collect<Stock>((h) =>
      elsewhere.catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h),
    );
    await eventually(() => app.deps.live.bus.size === 21);

    open.pop()?.stop();
    await eventually(() => app.deps.live.bus.size === 20);
    const again = watch();
    await eventually(() => app.deps.live.bus.size === 21);
    expect(again.errors).toHaveLength(0);

    for (const stream of [...open, again, allowed]) stream.stop();
    await nothingLeft(app);
  });

  it('ends the session’s subscriptions when it signs out', async ({ app, shop }) => {
    const { client } = await customer(app);
    const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
    const live = createLiveClient(await app.url(), client.jar);
    const orderStream = collect((h) => live.orders.watch.subscribe({ id: order.id }, h));
    const stockStream = collect<Stock>((h) =>
      live.catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h),
    );
    await orderStream.waitFor(1);
    await eventually(() => app.deps.live.bus.size === 2);

    await live.auth.signOut.mutate();
    await orderStream.completed();
    await stockStream.completed();
    await nothingLeft(app);
  });

  it('delivers one event to each of 200 concurrent subscribers', async ({ makeApp }) => {
    const app = await makeApp({ SUBSCRIPTIONS_PER_SESSION: '200' });
    const shop = await setupShop(app);
    const url = await app.url();
    const streams = Array.from({ length: 200 }, () =>
      collect<Stock>((h) =>
        createLiveClient(url).catalog.watchStock.subscribe({ productIds: [shop.lamp.id] }, h),
      ),
    );
    await eventually(() => app.deps.live.bus.size === 200, 30_000);

    await shop.admin.admin.inventory.adjust.mutate({
      variantId: shop.lampVariant,
      delta: 1,
      reason: 'found one',
    });
    const received = await Promise.all(streams.map((s) => s.waitFor(1, 30_000)));
    for (const [event] of received)
      expect(event?.data).toEqual({ productId: shop.lamp.id, variantId: shop.lampVariant, available: 6 });
    await new Promise((resolve) => setTimeout(resolve, 200)); // a second copy would have arrived by now
    expect(streams.every((s) => s.events.length === 1)).toBe(true);

    for (const stream of streams) stream.stop();
    await nothingLeft(app);
  });

  it('leaves nothing behind after many connects and disconnects', async ({ app, shop }) => {
    const url = await app.url();
    for (let round = 0; round < 10; round++) {
      const streams = Array.from({ length: 10 }, () =>
        collect<Stock>((h) =>
          createLiveClient(url).catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h),
        ),
      );
      await eventually(() => app.deps.live.bus.size === 10);
      for (const stream of streams) stream.stop();
      await nothingLeft(app);
    }
  });
});
