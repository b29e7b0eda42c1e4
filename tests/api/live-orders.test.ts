import { describe, expect } from 'vitest';
import type { RouterOutputs } from '../../shared/index.js';
import { tableRows } from '../helpers/database.js';
import { collect, createLiveClient } from '../helpers/live-client.js';
import { customer, placeOrder } from '../helpers/shop.js';
import { paymentSucceeded, stripeTest } from '../helpers/stripe-fixture.js';
import { test as it } from '../helpers/test.js';

type Order = RouterOutputs['orders']['get'];
type AdminEvent = { type: string; order: { id: string; status: string; number: number } };

/** A customer with an order for one white mug, and their live client (same session). */
async function customerWithOrder(
  app: Parameters<typeof customer>[0],
  shop: Parameters<typeof placeOrder>[1],
) {
  const { client } = await customer(app);
  const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
  return { client, order, live: createLiveClient(await app.url(), client.jar) };
}

describe('orders.watch', () => {
  it('sends the current order first, then the order after the admin marks it paid', async ({ app, shop }) => {
    const { order, live } = await customerWithOrder(app, shop);
    const stream = collect<Order>((h) => live.orders.watch.subscribe({ id: order.id }, h));
    const [first] = await stream.waitFor(1);
    expect(first?.data).toMatchObject({ id: order.id, status: 'pending_payment' });

    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    const events = await stream.waitFor(2);
    expect(events[1]?.data).toMatchObject({ id: order.id, status: 'paid', payment: { status: 'succeeded' } });
    expect(Number(events[1]?.id)).toBeGreaterThan(Number(first?.id));
    stream.stop();
  });

  it('answers NOT_FOUND for another customer’s order, and never sends it', async ({ app, shop }) => {
    const { order } = await customerWithOrder(app, shop);
    const other = await customerWithOrder(app, shop);
    const stream = collect<Order>((h) => other.live.orders.watch.subscribe({ id: order.id }, h));
    const error = await stream.error();
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
    expect(stream.events).toHaveLength(0);

    // The other customer's own stream carries only their own order, whatever else changes.
    const own = collect<Order>((h) => other.live.orders.watch.subscribe({ id: other.order.id }, h));
    await own.waitFor(1);
    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    await shop.admin.admin.orders.markPaid.mutate({ id: other.order.id });
    const events = await own.waitFor(2);
    expect(events.map((e) => e.data.id)).toEqual([other.order.id, other.order.id]);
    expect(JSON.stringify(events)).not.toContain(order.id);
    own.stop();
  });

  it('refuses a signed-out watcher with UNAUTHORIZED', async ({ app, shop }) => {
    const { order } = await customerWithOrder(app, shop);
    const anonymous = createLiveClient(await app.url());
    const stream = collect<Order>((h) => anonymous.orders.watch.subscribe({ id: order.id }, h));
    expect((await stream.error()).data).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('after missing three events, a reconnect with lastEventId receives exactly those three', async ({
    app,
    shop,
  }) => {
    const { order, live } = await customerWithOrder(app, shop);
    const first = collect<Order>((h) => live.orders.watch.subscribe({ id: order.id }, h));
    const [snapshot] = await first.waitFor(1);
    first.stop();

    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    await shop.admin.admin.orders.fulfill.mutate({ id: order.id, trackingNumber: 'TRACK-1' });
    await shop.admin.admin.orders.markDelivered.mutate({ id: order.id });

    const again = collect<Order>((h) =>
      live.orders.watch.subscribe({ id: order.id, lastEventId: snapshot?.id ?? '' }, h),
    );
    const events = await again.waitFor(3);
    expect(events.map((e) => e.data.id)).toEqual([order.id, order.id, order.id]);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
    expect(events.at(-1)?.data.trackingNumber).toBe('TRACK-1');
    again.stop();
  });
});

describe('admin.orders.watch', () => {
  it('reports moves with the order summary; a reconnect gets the missed ones, then live ones, each once', async ({
    app,
    shop,
  }) => {
    const admin = createLiveClient(await app.url(), shop.admin.jar);
    const stream = collect<AdminEvent>((h) => admin.admin.orders.watch.subscribe(undefined, h));
    const { order, client } = await customerWithOrder(app, shop);
    const [created] = await stream.waitFor(1);
    expect(created?.data).toMatchObject({
      type: 'order.created',
      order: { id: order.id, status: 'pending_payment' },
    });
    expect(Object.keys(created?.data.order ?? {}).sort()).toEqual(
      ['createdAt', 'currency', 'id', 'itemCount', 'number', 'status', 'total'].sort(),
    );
    stream.stop();

    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    await shop.admin.admin.orders.fulfill.mutate({ id: order.id });
    await shop.admin.admin.orders.markDelivered.mutate({ id: order.id });
    const again = collect<AdminEvent>((h) =>
      admin.admin.orders.watch.subscribe({ lastEventId: created?.id ?? '' }, h),
    );
    const missed = await again.waitFor(3);
    expect(missed.map((e) => e.data.type)).toEqual(['order.paid', 'order.fulfilled', 'order.delivered']);
    expect(missed.map((e) => e.data.order.status)).toEqual(['paid', 'fulfilled', 'delivered']);

    const next = await placeOrder(client, shop, [{ variantId: shop.lampVariant, quantity: 1 }]);
    const all = await again.waitFor(4);
    expect(all[3]?.data).toMatchObject({ type: 'order.created', order: { id: next.order.id } });
    await new Promise((resolve) => setTimeout(resolve, 200)); // a duplicate would have arrived by now
    expect(again.events).toHaveLength(4);
    again.stop();
  });

  it('is FORBIDDEN to customers', async ({ app, shop }) => {
    const { live } = await customerWithOrder(app, shop);
    const stream = collect<AdminEvent>((h) => live.admin.orders.watch.subscribe(undefined, h));
    expect((await stream.error()).data).toMatchObject({ code: 'FORBIDDEN' });
  });
});

const stripeIt = stripeTest;

describe('orders.watch with Stripe', () => {
  stripeIt('sends the paid order when the Stripe webhook arrives', async ({ app, shop, deliver }) => {
    const { order, live } = await customerWithOrder(app, shop);
    const stream = collect<Order>((h) => live.orders.watch.subscribe({ id: order.id }, h));
    await stream.waitFor(1);

    const intent = (await tableRows(app, 'payment')).find((row) => row.orderId === order.id)?.externalId;
    const answer = await deliver(paymentSucceeded(intent ?? '', order.total));
    expect(await answer.json()).toMatchObject({ outcome: 'applied' });

    const events = await stream.waitFor(2);
    expect(events[1]?.data).toMatchObject({
      status: 'paid',
      payment: { provider: 'stripe', status: 'succeeded' },
    });
    stream.stop();
  });
});
