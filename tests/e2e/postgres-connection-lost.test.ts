import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import {
  createTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';
import {
  createProduct,
  createStandardShipping,
  signInAdmin,
  trpcError,
  unbatched,
} from '../helpers/races.js';
import { freePort, type ServerProcess, startServer } from '../helpers/server-process.js';

const unavailable = await postgresUnavailable();

/**
 * A TCP proxy in front of PostgreSQL that the test can cut (every connection reset, new ones
 * refused) and restore on the same port: the network between the API and its database failing.
 */
async function startCuttableProxy(target: { host: string; port: number }) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  await open();
  return {
    port,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const socket of sockets) socket.resetAndDestroy();
      });
    },
    restore: open,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

describe.skipIf(unavailable)(suiteTitle('the API when PostgreSQL becomes unreachable', unavailable), () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startCuttableProxy({ host: '127.0.0.1', port: 5432 });
    const url = new URL(database.url);
    url.port = String(proxy.port);
    server = await startServer({
      DATABASE_URL: url.toString(),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      READINESS_CACHE_MS: '0',
    });
  }, 60_000);

  afterAll(async () => {
    const code = await server?.stop();
    await proxy?.close();
    await database?.drop();
    expect(code).toBe(0);
  });

  it('answers 503 TEMPORARILY_UNAVAILABLE while it is cut, loses no acknowledged order, and recovers without a restart', async () => {
    const admin = await signInAdmin(server.url);
    const { variantId } = await createProduct(admin, 'pg-outage', 1500, 50);
    const standard = await createStandardShipping(admin);
    const buyer = unbatched(server.url);
    await buyer.auth.signUp.mutate({ email: 'outage@example.com', password: 'customer-password', name: 'O' });
    await buyer.cart.addItem.mutate({ variantId, quantity: 1 });
    const before = await buyer.checkout.placeOrder.mutate({
      idempotencyKey: randomUUID(),
      shippingAddress: ADDRESS,
      shippingOptionId: standard.id,
    });

    await proxy.cut();
    const refused = await buyer.cart.addItem.mutate({ variantId, quantity: 1 }).then(
      () => null,
      (error: unknown) => trpcError(error).data,
    );
    expect(refused).toMatchObject({
      httpStatus: 503,
      code: 'SERVICE_UNAVAILABLE',
      reason: 'TEMPORARILY_UNAVAILABLE',
    });
    const read = await buyer.catalog.products.query({ limit: 1 }).then(
      () => null,
      (error: unknown) => trpcError(error).data,
    );
    expect(read).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    // An order tried while it is cut: 503, and the same key places it once it is back.
    const retried = {
      idempotencyKey: randomUUID(),
      shippingAddress: ADDRESS,
      shippingOptionId: standard.id,
    };
    const cutOrder = await buyer.checkout.placeOrder.mutate(retried).then(
      () => null,
      (error: unknown) => trpcError(error).data,
    );
    expect(cutOrder).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(server.output()).not.toMatch(/password|ECONNRESET.*at /);

    await proxy.restore();
    let ready = false;
    for (let i = 0; i < 50 && !ready; i++) {
      ready = (await fetch(`${server.url}/readyz`)).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(true); // the same process, no restart
    const cart = await buyer.cart.addItem.mutate({ variantId, quantity: 1 });
    expect(cart.items.map((i) => i.quantity)).toEqual([1]);
    const orders = await buyer.orders.list.query({});
    expect(orders.items.map((o) => o.id)).toEqual([before.order.id]);
    const placed = await buyer.checkout.placeOrder.mutate(retried);
    expect((await buyer.checkout.placeOrder.mutate(retried)).order.id).toBe(placed.order.id);
    const after = await buyer.orders.list.query({});
    expect(after.items.map((o) => o.id).sort()).toEqual([before.order.id, placed.order.id].sort());
  }, 90_000);
});
