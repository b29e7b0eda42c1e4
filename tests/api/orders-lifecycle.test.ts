import { describe, expect } from 'vitest';
import { expireUnpaid } from '../../server/services/orders/order-lifecycle.js';
import type { ORDER_STATUSES } from '../../shared/index.js';
import type { TestApp } from '../helpers/app.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { customer, placeOrder, type Shop, stockOf } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

type Status = (typeof ORDER_STATUSES)[number];

/** The expiry job's step, in a transaction of its own. */
const expire = (app: TestApp, facts: { now: number; timeoutMinutes: number }) =>
  app.deps.engine.transaction((tx) => expireUnpaid(tx, facts));

/** An order's stock movements in the order they were written (the ledger's id). */
const movementsOf = async (app: TestApp, orderId: string) =>
  (await tableRows(app, 'inventoryMovement'))
    .filter((movement) => movement.orderId === orderId)
    .sort((a, b) => a.id - b.id);

/** `orderIn(status)`: a fresh order by a new customer, driven to `status` through the admin API. */
const it = test.extend('orderIn', async ({ app, shop }) => async (status: Status) => {
  const { client } = await customer(app);
  const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
  const orders = shop.admin.admin.orders;
  if (status === 'cancelled') await orders.cancel.mutate({ id: order.id });
  if (['paid', 'fulfilled', 'delivered'].includes(status)) await orders.markPaid.mutate({ id: order.id });
  if (['fulfilled', 'delivered'].includes(status)) await orders.fulfill.mutate({ id: order.id });
  if (status === 'delivered') await orders.markDelivered.mutate({ id: order.id });
  return { id: order.id, client };
});

const MOVES: Record<Status, (shop: Shop, id: string) => Promise<unknown>> = {
  pending_payment: async () => {
    throw new Error('no move leads back to pending_payment');
  },
  paid: (shop, id) => shop.admin.admin.orders.markPaid.mutate({ id }),
  fulfilled: (shop, id) => shop.admin.admin.orders.fulfill.mutate({ id, trackingNumber: 'TRACK-1' }),
  delivered: (shop, id) => shop.admin.admin.orders.markDelivered.mutate({ id }),
  cancelled: (shop, id) => shop.admin.admin.orders.cancel.mutate({ id, note: 'test' }),
};

const ALLOWED: [Status, Status][] = [
  ['pending_payment', 'paid'],
  ['pending_payment', 'cancelled'],
  ['paid', 'fulfilled'],
  ['paid', 'cancelled'],
  ['fulfilled', 'delivered'],
];
const STATUSES: Status[] = ['pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled'];
const REFUSED = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => to !== 'pending_payment' && !ALLOWED.some(([f, x]) => f === from && x === to)).map(
    (to) => [from, to] as [Status, Status],
  ),
);

describe('order state machine', () => {
  it.for(ALLOWED)('moves %s → %s and records it in the history', async ([from, to], { orderIn, shop }) => {
    const { id } = await orderIn(from);
    const moved = (await MOVES[to](shop, id)) as { status: Status; history: { status: Status }[] };
    expect(moved.status).toBe(to);
    expect(moved.history.at(-1)?.status).toBe(to);
  });

  it.for(REFUSED)(
    'refuses %s → %s with INVALID_TRANSITION and changes nothing',
    async ([from, to], { orderIn, shop }) => {
      const { id } = await orderIn(from);
      const before = await shop.admin.admin.orders.get.query({ id });
      const error = await errorOf(MOVES[to](shop, id));
      expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, reason: 'INVALID_TRANSITION' });
      expect(await shop.admin.admin.orders.get.query({ id })).toEqual(before);
    },
  );
});

describe('orders for customers', () => {
  it('lists only the customer’s own orders, newest first, paged', async ({ app, shop, orderIn }) => {
    const { client } = await customer(app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }])).order.id);
      app.clock.advance(1000);
    }
    await orderIn('paid'); // someone else's
    const first = await client.orders.list.query({ limit: 2 });
    const second = await client.orders.list.query({ limit: 2, cursor: first.nextCursor ?? '' });
    const third = await client.orders.list.query({ limit: 2, cursor: second.nextCursor ?? '' });
    expect([...first.items, ...second.items, ...third.items].map((o) => o.id)).toEqual([...ids].reverse());
    expect(third.nextCursor).toBeNull();
    expect(first.items[0]).toEqual({
      id: ids[4],
      number: expect.any(Number),
      status: 'pending_payment',
      total: expect.any(Number),
      currency: 'USD',
      itemCount: 1,
      createdAt: expect.any(String),
    });
  });

  it('answers NOT_FOUND for another customer’s order, exactly as for a missing one', async ({
    app,
    shop,
    orderIn,
  }) => {
    const { id } = await orderIn('paid');
    const { client: stranger } = await customer(app);
    const theirs = await errorOf(stranger.orders.get.query({ id }));
    const missing = await errorOf(stranger.orders.get.query({ id: 'no-such-order' }));
    expect(theirs).toEqual(missing);
    expect(theirs.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    const cancel = await errorOf(stranger.orders.cancel.mutate({ id }));
    expect(cancel.data.code).toBe('NOT_FOUND');
    expect((await shop.admin.admin.orders.get.query({ id })).status).toBe('paid');
  });

  it('lets customers cancel pending or paid orders only', async ({ orderIn }) => {
    for (const status of ['pending_payment', 'paid'] as const) {
      const { id, client } = await orderIn(status);
      expect((await client.orders.cancel.mutate({ id })).status).toBe('cancelled');
    }
    for (const status of ['fulfilled', 'delivered', 'cancelled'] as const) {
      const { id, client } = await orderIn(status);
      expect((await errorOf(client.orders.cancel.mutate({ id }))).data.reason).toBe('INVALID_TRANSITION');
    }
  });

  it('answers UNAUTHORIZED for order and checkout procedures when signed out', async ({
    orderIn,
    shop,
    shopper: anonymous,
  }) => {
    const { id } = await orderIn('pending_payment');
    for (const call of [
      () => anonymous.orders.list.query(),
      () => anonymous.orders.get.query({ id }),
      () => anonymous.orders.cancel.mutate({ id }),
      () => anonymous.checkout.shippingOptions.query({ country: 'US' }),
      () => anonymous.reviews.create.mutate({ productId: shop.mug.id, rating: 5, title: 't', body: 'b' }),
    ]) {
      expect((await errorOf(call())).data.code).toBe('UNAUTHORIZED');
    }
  });
});

describe('cancellation', () => {
  it('returns stock through the ledger, gives the discount use back and refunds a paid order', async ({
    app,
    shop,
  }) => {
    const code = await shop.admin.admin.discounts.create.mutate({
      code: 'ONCE',
      kind: 'fixed',
      value: 500,
      maxRedemptions: 1,
    });
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    await client.cart.applyDiscount.mutate({ code: 'ONCE' });
    const { order } = await placeOrder(client, shop, []);
    expect(await stockOf(app, shop.white)).toBe(8);
    const redemptions = async () =>
      (await tableRows(app, 'discount')).find((row) => row.id === code.id)?.redemptions;
    expect(await redemptions()).toBe(1);

    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    const cancelled = await client.orders.cancel.mutate({ id: order.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', payment: { status: 'refunded' } });
    expect(await stockOf(app, shop.white)).toBe(10);
    expect(await redemptions()).toBe(0);
    const movements = (await movementsOf(app, order.id)).map(({ delta, reason, orderId }) => ({
      delta,
      reason,
      orderId,
    }));
    expect(movements).toEqual([
      { delta: -2, reason: 'order', orderId: order.id },
      { delta: 2, reason: 'cancellation', orderId: order.id },
    ]);

    // The code can be used again.
    const { client: next } = await customer(app);
    await next.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    expect((await next.cart.applyDiscount.mutate({ code: 'ONCE' })).discount?.amount).toBe(500);
  });

  it('voids the pending payment of an unpaid order it cancels', async ({ shop, orderIn }) => {
    const { id } = await orderIn('pending_payment');
    const cancelled = await shop.admin.admin.orders.cancel.mutate({ id, note: 'customer called' });
    expect(cancelled.payment.status).toBe('failed');
    expect(cancelled.history.at(-1)).toMatchObject({ status: 'cancelled', note: 'customer called' });
  });
});

describe('unpaid order expiry', () => {
  it('cancels orders unpaid past ORDER_PAYMENT_TIMEOUT_MINUTES and releases their stock, leaving paid ones', async ({
    app,
    shop,
    orderIn,
  }) => {
    const timeoutMinutes = app.deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES;
    const stale = await orderIn('pending_payment');
    const paid = await orderIn('paid');
    app.clock.advance(10 * 60_000);
    const fresh = await orderIn('pending_payment');
    expect(await stockOf(app, shop.white)).toBe(7);

    app.clock.advance((timeoutMinutes - 10) * 60_000 + 1);
    const expired = await expire(app, { now: app.clock.now(), timeoutMinutes });
    expect(expired).toBe(1);
    const status = async (id: string) =>
      (await tableRows(app, 'customerOrder')).find((row) => row.id === id)?.status;
    expect([await status(stale.id), await status(paid.id), await status(fresh.id)]).toEqual([
      'cancelled',
      'paid',
      'pending_payment',
    ]);
    expect(await stockOf(app, shop.white)).toBe(8);
    const order = await stale.client.orders.get.query({ id: stale.id });
    expect(order.history.at(-1)).toMatchObject({ status: 'cancelled', note: 'Payment not received in time' });
    const ledger = await movementsOf(app, stale.id);
    expect(ledger.map((m) => m.reason)).toEqual(['order', 'expiry']);

    app.clock.advance(10 * 60_000);
    expect(await expire(app, { now: app.clock.now(), timeoutMinutes })).toBe(1);
    expect(await status(fresh.id)).toBe('cancelled');
    expect(await expire(app, { now: app.clock.now(), timeoutMinutes })).toBe(0);
  });
});
