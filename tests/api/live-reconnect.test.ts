import { describe, expect } from 'vitest';
import type { RouterOutputs } from '../../shared/index.js';
import { collect, createLiveClient } from '../helpers/live-client.js';
import { eventually } from '../helpers/receivers.js';
import { customer, placeOrder, setupShop } from '../helpers/shop.js';
import { test as it } from '../helpers/test.js';

type Order = RouterOutputs['orders']['get'];

describe('live stream duration', () => {
  it('closes a stream after SUBSCRIPTION_MAX_SECONDS; the client link reconnects with its lastEventId and misses nothing', async ({
    makeApp,
  }) => {
    const app = await makeApp({ SUBSCRIPTION_MAX_SECONDS: '5' });
    const shop = await setupShop(app);
    const { client } = await customer(app);
    const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
    const live = createLiveClient(await app.url(), client.jar);
    const stream = collect<Order>((h) => live.orders.watch.subscribe({ id: order.id }, h));
    await stream.waitFor(1);
    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    await stream.waitFor(2);

    const opened = () => app.logs.filter((line) => line.path === '/trpc/orders.watch').length;
    await eventually(() => opened() >= 2 && app.deps.live.bus.size === 1, 20_000);

    await shop.admin.admin.orders.fulfill.mutate({ id: order.id, trackingNumber: 'T-9' });
    const events = await stream.waitFor(3);
    expect(events.map((e) => e.data.status)).toEqual(['pending_payment', 'paid', 'fulfilled']);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a repeated snapshot or event would be here by now
    expect(stream.events).toHaveLength(3);
    expect(stream.errors).toHaveLength(0);
    stream.stop();
  }, 30_000);
});
