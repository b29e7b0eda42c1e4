import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import { httpClient } from '../helpers/http-client.js';
import { eventually, startSmtpReceiver } from '../helpers/receivers.js';
import { type ServerProcess, startServer, tempDir } from '../helpers/server-process.js';

const ROUNDS = 5;

type Client = ReturnType<typeof httpClient>;

/**
 * Runs the real server under a stream of cart writes, orders and payments, kills it with SIGKILL
 * at a random moment, restarts it on the same file, and checks that everything it acknowledged is
 * there, the file is sound, stock adds up, and queued mail still goes out.
 */
describe('crash safety', () => {
  it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs under load`, async () => {
    const smtp = await startSmtpReceiver();
    const databasePath = join(tempDir(), 'crash.db');
    const env = {
      DATABASE_PATH: databasePath,
      SEED_DEMO: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SMTP_URL: smtp.url,
      OUTBOX_RETRY_BASE_MS: '50',
      LOG_LEVEL: 'warn',
    };
    let server: ServerProcess = await startServer(env);
    const admin = () => {
      const client = httpClient(server.url, { batch: false });
      return client.auth.signIn.mutate(ADMIN).then(() => client);
    };
    const setup = await admin();
    const product = await setup.admin.products.create.mutate({
      slug: 'crash-mug',
      name: 'Crash Mug',
      description: 'Survives everything',
      variants: [{ sku: 'CRASH-1', name: 'One', price: 1500, stock: 100_000 }],
    });
    const variantId = product.variants[0]?.id ?? '';
    const shipping = await setup.admin.shipping.create.mutate({
      name: 'Std',
      countries: [],
      price: 500,
      minDays: 1,
      maxDays: 3,
    });

    const accounts = Array.from({ length: 6 }, (_, i) => ({
      email: `crash${i}@example.com`,
      password: 'crash-password',
      name: `Crash ${i}`,
    }));
    for (const account of accounts) await httpClient(server.url).auth.signUp.mutate(account);

    const acknowledgedOrders = new Set<string>();
    const acknowledgedPaid = new Set<string>();
    let keySeq = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const url = server.url;
      const clients: Client[] = [];
      for (const account of accounts) {
        const client = httpClient(url, { batch: false });
        await client.auth.signIn.mutate({ email: account.email, password: account.password });
        clients.push(client);
      }
      const shopAdmin = await admin();
      let running = true;
      const worker = async (client: Client) => {
        while (running) {
          try {
            await client.cart.addItem.mutate({ variantId, quantity: 1 + (keySeq % 2) });
            const { order } = await client.checkout.placeOrder.mutate({
              idempotencyKey: `crash-${round}-${++keySeq}`,
              shippingAddress: ADDRESS,
              shippingOptionId: shipping.id,
            });
            acknowledgedOrders.add(order.id);
            if (keySeq % 2 === 0) {
              await shopAdmin.admin.orders.markPaid.mutate({ id: order.id });
              acknowledgedPaid.add(order.id);
            }
          } catch (error) {
            // Only the kill may stop a stream: a connection error, never an answer from the server.
            expect(error).toMatchObject({
              message: expect.stringMatching(/fetch failed|socket|ECONN|terminated/i),
            });
            expect(error).not.toHaveProperty('data.httpStatus');
            return;
          }
        }
      };
      const streams = clients.map(worker);
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 700)));
      server.child.kill('SIGKILL');
      running = false;
      await server.exited;
      await Promise.all(streams);

      server = await startServer(env);
      const db = new Database(databasePath, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const orders = new Map(
          (db.prepare('SELECT id, status FROM customer_order').all() as { id: string; status: string }[]).map(
            (o) => [o.id, o.status],
          ),
        );
        for (const id of acknowledgedOrders) expect(orders.has(id), `order ${id} lost`).toBe(true);
        for (const id of acknowledgedPaid) expect(orders.get(id)).toBe('paid');
        const stock = db.prepare('SELECT stock FROM variant WHERE id = ?').pluck().get(variantId) as number;
        const sold = db
          .prepare('SELECT coalesce(sum(quantity), 0) FROM order_line WHERE variant_id = ?')
          .pluck()
          .get(variantId) as number;
        expect(stock + sold).toBe(100_000);
        const ledger = db
          .prepare('SELECT coalesce(sum(delta), 0) FROM inventory_movement WHERE variant_id = ?')
          .pluck()
          .get(variantId);
        expect(ledger).toBe(stock);
      } finally {
        db.close();
      }
    }

    // Every acknowledged order's confirmation goes out, crash or not.
    const confirmations = () =>
      smtp.messages.filter((m) => m.subject.endsWith('received') && m.subject.startsWith('Order #')).length;
    await eventually(() => confirmations() >= acknowledgedOrders.size, 60_000);
    expect(acknowledgedOrders.size).toBeGreaterThan(ROUNDS);
    expect(await server.stop()).toBe(0);
    await smtp.close();
  }, 180_000);
});
