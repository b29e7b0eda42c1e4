import { describe, expect } from 'vitest';
import { ADMIN } from '../helpers/catalog.js';
import { createTestClient, type TestClient } from '../helpers/client.js';
import { errorOf } from '../helpers/errors.js';
import { customer, placeOrder } from '../helpers/shop.js';
import { it } from '../helpers/test.js';

const adminCalls = (c: TestClient) => [
  () => c.admin.discounts.create.mutate({ code: 'X', kind: 'fixed', value: 1 }),
  () => c.admin.discounts.list.query(),
  () => c.admin.discounts.deactivate.mutate({ id: 'x' }),
  () => c.admin.shipping.create.mutate({ name: 'X', countries: [], price: 1, minDays: 1, maxDays: 2 }),
  () => c.admin.shipping.list.query(),
  () => c.admin.shipping.update.mutate({ id: 'x', price: 2 }),
  () => c.admin.shipping.delete.mutate({ id: 'x' }),
  () => c.admin.tax.set.mutate({ country: 'DE', rateBps: 1900 }),
  () => c.admin.tax.list.query(),
  () => c.admin.orders.list.query(),
  () => c.admin.orders.get.query({ id: 'x' }),
  () => c.admin.orders.markPaid.mutate({ id: 'x' }),
  () => c.admin.orders.fulfill.mutate({ id: 'x' }),
  () => c.admin.orders.markDelivered.mutate({ id: 'x' }),
  () => c.admin.orders.cancel.mutate({ id: 'x' }),
  () => c.admin.users.list.query(),
  () => c.admin.users.setRole.mutate({ id: 'x', role: 'admin' }),
  () => c.admin.reports.sales.query({ from: '2026-01-01', to: '2026-01-31' }),
];

describe('admin commerce: access', () => {
  it('answers UNAUTHORIZED signed out and FORBIDDEN to customers', async ({ app, shop }) => {
    const anonymous = createTestClient(app);
    const { client } = await customer(app);
    for (const call of adminCalls(anonymous)) expect((await errorOf(call())).data.code).toBe('UNAUTHORIZED');
    for (const call of adminCalls(client)) expect((await errorOf(call())).data.code).toBe('FORBIDDEN');
    expect((await shop.admin.admin.discounts.list.query()).length).toBe(0);
    expect((await shop.admin.admin.tax.list.query()).length).toBe(1);
  });
});

describe('discounts, shipping and tax', () => {
  it('creates, lists and deactivates discounts; codes are unique and case-insensitive', async ({ shop }) => {
    const created = await shop.admin.admin.discounts.create.mutate({
      code: 'spring-25',
      kind: 'percent',
      value: 25,
      minSubtotal: 5000,
      startsAt: '2026-03-01T00:00:00Z',
      endsAt: '2026-06-01T00:00:00.000+02:00',
      maxRedemptions: 100,
      oncePerCustomer: true,
    });
    expect(created).toMatchObject({
      code: 'SPRING-25',
      kind: 'percent',
      value: 25,
      minSubtotal: 5000,
      startsAt: '2026-03-01T00:00:00.000Z',
      endsAt: '2026-05-31T22:00:00.000Z',
      maxRedemptions: 100,
      oncePerCustomer: true,
      redemptions: 0,
      active: true,
    });
    expect(
      (
        await errorOf(
          shop.admin.admin.discounts.create.mutate({ code: 'Spring-25', kind: 'fixed', value: 1 }),
        )
      ).data,
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'DISCOUNT_CODE_TAKEN',
    });
    for (const bad of [
      { code: 'P', kind: 'percent', value: 101 },
      { code: 'Z', kind: 'fixed', value: 0 },
      {
        code: 'W',
        kind: 'fixed',
        value: 10,
        startsAt: '2026-02-01T00:00:00Z',
        endsAt: '2026-01-01T00:00:00Z',
      },
      { code: 'has space', kind: 'fixed', value: 10 },
    ]) {
      expect((await errorOf(shop.admin.admin.discounts.create.mutate(bad as never))).data.reason).toBe(
        'INVALID_INPUT',
      );
    }
    expect((await shop.admin.admin.discounts.deactivate.mutate({ id: created.id })).active).toBe(false);
    expect((await shop.admin.admin.discounts.list.query()).map((d) => [d.code, d.active])).toEqual([
      ['SPRING-25', false],
    ]);
  });

  it('manages shipping options and tax rates', async ({ shop }) => {
    const option = await shop.admin.admin.shipping.create.mutate({
      name: 'Freight',
      countries: ['de', 'FR', 'DE'],
      price: 4900,
      freeOverSubtotal: 50000,
      minDays: 5,
      maxDays: 10,
    });
    expect(option).toEqual({
      id: expect.any(String),
      name: 'Freight',
      price: 4900,
      freeOverSubtotal: 50000,
      estimatedDays: { min: 5, max: 10 },
      countries: ['DE', 'FR'],
    });
    expect(
      (await shop.admin.admin.shipping.update.mutate({ id: option.id, price: 3900, freeOverSubtotal: null }))
        .freeOverSubtotal,
    ).toBeNull();
    expect(
      (await errorOf(shop.admin.admin.shipping.update.mutate({ id: option.id, minDays: 20 }))).data.reason,
    ).toBe('INVALID_INPUT');
    expect(
      (
        await errorOf(
          shop.admin.admin.shipping.create.mutate({
            name: 'X',
            countries: [],
            price: 1,
            minDays: 5,
            maxDays: 2,
          }),
        )
      ).data.reason,
    ).toBe('INVALID_INPUT');
    expect(await shop.admin.admin.shipping.delete.mutate({ id: option.id })).toEqual({ ok: true });
    expect((await errorOf(shop.admin.admin.shipping.delete.mutate({ id: option.id }))).data.code).toBe(
      'NOT_FOUND',
    );

    await shop.admin.admin.tax.set.mutate({ country: 'de', rateBps: 1900 });
    await shop.admin.admin.tax.set.mutate({ country: 'US', rateBps: 725 });
    expect(await shop.admin.admin.tax.list.query()).toEqual([
      { country: 'DE', rateBps: 1900 },
      { country: 'US', rateBps: 725 },
    ]);
    expect(
      (await errorOf(shop.admin.admin.tax.set.mutate({ country: 'DE', rateBps: 10001 }))).data.reason,
    ).toBe('INVALID_INPUT');
  });
});

describe('orders, users and reports for admins', () => {
  it('lists and searches every order by status, number and email', async ({ app, shop }) => {
    const a = await customer(app);
    const b = await customer(app);
    const first = await placeOrder(a.client, shop, [{ variantId: shop.white, quantity: 1 }]);
    app.clock.advance(1000);
    const second = await placeOrder(b.client, shop, [{ variantId: shop.white, quantity: 1 }]);
    await shop.admin.admin.orders.markPaid.mutate({ id: second.order.id });

    const all = await shop.admin.admin.orders.list.query();
    expect(all.items.map((o) => o.id)).toEqual([second.order.id, first.order.id]);
    expect(all.items[0]).toMatchObject({ email: b.user.email, itemCount: 1 });
    const list = (input: Record<string, unknown>) =>
      shop.admin.admin.orders.list.query({ limit: 20, ...input }).then((page) => page.items.map((o) => o.id));
    expect(await list({ status: 'paid' })).toEqual([second.order.id]);
    expect(await list({ q: `#${first.order.number}` })).toEqual([first.order.id]);
    expect(await list({ q: a.user.email.slice(0, 12).toUpperCase() })).toEqual([first.order.id]);
    expect(await list({ q: '%' })).toEqual([]);
    expect(await list({ q: '_' })).toEqual([]);
  });

  it('lists users with an escaped search, and changes roles but never demotes the last admin', async ({
    app,
    shop,
  }) => {
    const { user } = await customer(app);
    const page = await shop.admin.admin.users.list.query({ q: user.email.toUpperCase(), limit: 20 });
    expect(page.items).toEqual([user]);
    expect((await shop.admin.admin.users.list.query({ q: '%', limit: 20 })).items).toEqual([]);
    expect((await shop.admin.admin.users.list.query({ limit: 1 })).nextCursor).not.toBeNull();
    expect(JSON.stringify(await shop.admin.admin.users.list.query())).not.toContain('argon2');

    expect((await shop.admin.admin.users.setRole.mutate({ id: user.id, role: 'admin' })).role).toBe('admin');
    const me = await shop.admin.auth.me.query();
    expect((await shop.admin.admin.users.setRole.mutate({ id: user.id, role: 'customer' })).role).toBe(
      'customer',
    );
    expect(
      (await errorOf(shop.admin.admin.users.setRole.mutate({ id: me?.id ?? '', role: 'customer' }))).data,
    ).toMatchObject({
      code: 'CONFLICT',
      reason: 'LAST_ADMIN',
    });
    expect((await shop.admin.auth.me.query())?.email).toBe(ADMIN.email);
  });

  it('reports sales over paid, fulfilled and delivered orders, by day, with top products', async ({
    app,
    shop,
  }) => {
    const day1 = Date.UTC(2026, 5, 1, 12);
    app.clock.set(day1);
    const a = await customer(app);
    const paidOne = await placeOrder(a.client, shop, [{ variantId: shop.white, quantity: 2 }]); // 3600 + 599 + 288
    await shop.admin.admin.orders.markPaid.mutate({ id: paidOne.order.id });
    await placeOrder(a.client, shop, [{ variantId: shop.white, quantity: 1 }]); // stays unpaid: not counted
    app.clock.set(day1 + 86_400_000);
    const b = await customer(app);
    const paidTwo = await placeOrder(b.client, shop, [{ variantId: shop.lampVariant, quantity: 1 }]); // 9900 + 599 + 792
    await shop.admin.admin.orders.markPaid.mutate({ id: paidTwo.order.id });
    await shop.admin.admin.orders.fulfill.mutate({ id: paidTwo.order.id });
    const cancelled = await placeOrder(b.client, shop, [{ variantId: shop.blue, quantity: 1 }]);
    await shop.admin.admin.orders.markPaid.mutate({ id: cancelled.order.id });
    await shop.admin.admin.orders.cancel.mutate({ id: cancelled.order.id });

    const report = await shop.admin.admin.reports.sales.query({ from: '2026-06-01', to: '2026-06-02' });
    const total1 = paidOne.order.total;
    const total2 = paidTwo.order.total;
    expect(report).toEqual({
      currency: 'USD',
      orders: 2,
      revenue: total1 + total2,
      averageOrderValue: Math.round((total1 + total2) / 2),
      byDay: [
        { date: '2026-06-01', orders: 1, revenue: total1 },
        { date: '2026-06-02', orders: 1, revenue: total2 },
      ],
      topProducts: [
        { productId: shop.lamp.id, name: 'Brass Lamp', quantity: 1, revenue: 9900 },
        { productId: shop.mug.id, name: 'Stoneware Mug', quantity: 2, revenue: 3600 },
      ],
    });
    expect(
      (await shop.admin.admin.reports.sales.query({ from: '2026-06-02', to: '2026-06-02' })).orders,
    ).toBe(1);
    expect(
      (await errorOf(shop.admin.admin.reports.sales.query({ from: '2026-06-03', to: '2026-06-01' }))).data
        .reason,
    ).toBe('INVALID_INPUT');
    expect(
      (await errorOf(shop.admin.admin.reports.sales.query({ from: '2026-13-01', to: '2026-06-01' }))).data
        .reason,
    ).toBe('INVALID_INPUT');
  });
});
