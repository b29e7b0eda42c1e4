import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterOutputs } from '../../shared/index.js';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import { collect, createLiveClient, type Received } from '../helpers/live-client.js';
import { createProduct, createStandardShipping, signInAdmin } from '../helpers/races.js';
import { type ServerProcess, shopDatabase, startServer } from '../helpers/server-process.js';

type Order = RouterOutputs['orders']['get'];
type Stock = { productId: string; variantId: string; available: number };

/**
 * Two `npm start` processes on one database of this run's engine (one SQLite file, or one
 * PostgreSQL database): a change made through one reaches subscribers on the other. Then one process
 * with 100 open streams is stopped with SIGTERM and still exits 0.
 */
describe('live updates across two server processes', () => {
  let servers: ServerProcess[] = [];
  const url = (i: number) => servers[i]?.url ?? '';

  beforeAll(async () => {
    const env = {
      ...(await shopDatabase('live-two-processes')),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      SIGN_UP_LIMIT_PER_HOUR: '1000',
      SUBSCRIPTIONS_PER_SESSION: '200',
    };
    // One after the other: the first migrates and bootstraps, the second finds it done.
    servers.push(await startServer(env));
    servers.push(await startServer(env));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });

  it('sends an order change made through one process to a subscriber on the other, and stock too', async () => {
    const admin = await signInAdmin(url(0));
    const { product, variantId } = await createProduct(admin, 'live-across', 2500, 10);
    const standard = await createStandardShipping(admin);

    const stockOnFirst = collect<Stock>((h) =>
      createLiveClient(url(0)).catalog.watchStock.subscribe({ productIds: [product.id] }, h),
    );
    await stockOnFirst.started();

    const buyer = createLiveClient(url(1));
    await buyer.auth.signUp.mutate({
      email: 'live-buyer@example.com',
      password: 'customer-password',
      name: 'Buyer',
    });
    await buyer.cart.addItem.mutate({ variantId, quantity: 3 });
    const { order } = await buyer.checkout.placeOrder.mutate({
      idempotencyKey: randomUUID(),
      shippingAddress: ADDRESS,
      shippingOptionId: standard.id,
    });
    // Placed on the second process, seen on the first.
    const [taken] = await stockOnFirst.waitFor(1);
    expect(taken?.data).toEqual({ productId: product.id, variantId, available: 7 });

    // Watched on the second process, marked paid through the first.
    const orderOnSecond = collect<Order>((h) => buyer.orders.watch.subscribe({ id: order.id }, h));
    await orderOnSecond.waitFor(1);
    await admin.admin.orders.markPaid.mutate({ id: order.id });
    const events = await orderOnSecond.waitFor(2);
    expect(events[1]?.data).toMatchObject({ id: order.id, status: 'paid' });

    orderOnSecond.stop();
    stockOnFirst.stop();
  }, 60_000);

  it('exits 0 on SIGTERM with 100 open streams', async () => {
    const admin = await signInAdmin(url(1));
    const { product } = await createProduct(admin, 'live-sigterm', 1000, 5);
    const streams: Received<Stock>[] = Array.from({ length: 100 }, () =>
      collect<Stock>((h) =>
        createLiveClient(url(1)).catalog.watchStock.subscribe({ productIds: [product.id] }, h),
      ),
    );
    await Promise.all(streams.map((s) => s.started(30_000)));
    const second = servers[1];
    if (!second) throw new Error('no second server');
    servers = servers.slice(0, 1);
    expect(await second.stop('SIGTERM')).toBe(0);
    for (const stream of streams) stream.stop();
  }, 60_000);
});
