import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/client.js';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import { httpClient } from '../helpers/http-client.js';
import {
  createTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';
import {
  availableOf,
  type Client,
  createProduct,
  createStandardShipping,
  placeOrdersAtOnce,
  signInAdmin,
  split,
  unbatched,
} from '../helpers/races.js';
import { eventually, startSmtpReceiver } from '../helpers/receivers.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

const unavailable = await postgresUnavailable();

/**
 * Two `npm start` processes on two ports sharing one PostgreSQL database, as two hosts behind a
 * load balancer would: the database is all they share. Requests alternate between them.
 */
describe.skipIf(unavailable)(
  suiteTitle('two server processes on one PostgreSQL database', unavailable),
  () => {
    let database: TestDatabase;
    let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
    let env: Record<string, string>;
    let servers: ServerProcess[] = [];
    const urls = () => servers.map((s) => s.url);
    /** The i-th client's process: even on the first, odd on the second. */
    const urlFor = (i: number) => urls()[i % 2] as string;

    beforeAll(async () => {
      database = await createTestDatabase();
      smtp = await startSmtpReceiver();
      env = {
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '5',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SMTP_URL: smtp.url,
        OUTBOX_RETRY_BASE_MS: '100',
        LOG_LEVEL: 'warn',
        SIGN_UP_LIMIT_PER_HOUR: '1000', // every customer here signs up from 127.0.0.1
      };
      // Both start together on an empty database: the migrations run once (advisory lock).
      servers = await Promise.all([startServer(env), startServer(env)]);
    }, 90_000);

    afterAll(async () => {
      const codes = await Promise.all(servers.map((s) => s.stop()));
      await smtp?.close();
      await database?.drop();
      expect(codes.every((code) => code === 0)).toBe(true);
    });

    /** `count` customers signed up alternately on each process, each with its own session. */
    function signUpAcross(prefix: string, count: number): Promise<Client[]> {
      return Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const client = unbatched(urlFor(i));
          await client.auth.signUp.mutate({
            email: `${prefix}${i}@example.com`,
            password: 'customer-password',
            name: `Customer ${i}`,
          });
          return client;
        }),
      );
    }

    it('uses a session made on one process on the other', async () => {
      const jar = new CookieJar();
      const onFirst = httpClient(urlFor(0), { jar });
      const onSecond = httpClient(urlFor(1), { jar });
      const { user } = await onFirst.auth.signUp.mutate({
        email: 'traveller@example.com',
        password: 'customer-password',
        name: 'Traveller',
      });
      expect((await onSecond.auth.me.query())?.id).toBe(user.id);
      await onSecond.auth.signOut.mutate();
      expect(await onFirst.auth.me.query()).toBeNull();
    });

    it('sells exactly 10 units to 50 buyers split across both processes', async () => {
      const admin = await signInAdmin(urlFor(0));
      const { product, variantId } = await createProduct(admin, 'pg-last-ten', 2500, 10);
      const standard = await createStandardShipping(admin);
      const customers = await signUpAcross('pgracer', 50);
      for (const customer of customers) await customer.cart.addItem.mutate({ variantId, quantity: 1 });

      const { fulfilled, failures } = await placeOrdersAtOnce(customers, standard.id);
      expect(fulfilled).toHaveLength(10);
      expect(failures).toHaveLength(40);
      for (const failure of failures) {
        expect(failure.data).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK', httpStatus: 409 });
      }
      expect(await availableOf(admin, product.slug, variantId)).toBe(0);
      const sales = (await admin.admin.inventory.ledger.query({ variantId, limit: 100 })).items.filter(
        (m) => m.reason === 'order',
      );
      expect(sales.map((s) => s.stockAfter).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }, 120_000);

    it('redeems a code with 5 redemptions exactly 5 times across both processes', async () => {
      const admin = await signInAdmin(urlFor(1));
      const { variantId } = await createProduct(admin, 'pg-stocked', 2500, 100);
      const standard = await createStandardShipping(admin);
      await admin.admin.discounts.create.mutate({
        code: 'PGFIVE',
        kind: 'percent',
        value: 10,
        maxRedemptions: 5,
      });
      const customers = await signUpAcross('pgsaver', 20);
      for (const customer of customers) {
        await customer.cart.addItem.mutate({ variantId, quantity: 1 });
        await customer.cart.applyDiscount.mutate({ code: 'PGFIVE' });
      }
      const { fulfilled, failures } = await placeOrdersAtOnce(customers, standard.id);
      expect(fulfilled).toHaveLength(5);
      for (const failure of failures) expect(failure.data).toMatchObject({ reason: 'DISCOUNT_EXHAUSTED' });
      const discounts = await admin.admin.discounts.list.query();
      expect(discounts.find((d) => d.code === 'PGFIVE')?.redemptions).toBe(5);
    }, 120_000);

    it('answers 10 concurrent retries of one key, spread over both processes, with one order', async () => {
      const admin = await signInAdmin(urlFor(0));
      const { variantId } = await createProduct(admin, 'pg-retried', 1999, 10);
      const standard = await createStandardShipping(admin);
      const jar = new CookieJar();
      const first = httpClient(urlFor(0), { jar, batch: false });
      await first.auth.signUp.mutate({
        email: 'pgretry@example.com',
        password: 'customer-password',
        name: 'R',
      });
      await first.cart.addItem.mutate({ variantId, quantity: 2 });
      const input = {
        idempotencyKey: `retry-${randomUUID()}`,
        shippingAddress: ADDRESS,
        shippingOptionId: standard.id,
      };
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          httpClient(urlFor(i), { jar, batch: false }).checkout.placeOrder.mutate(input),
        ),
      );
      const { fulfilled, failures } = split(results);
      expect(failures.map((f) => f.data)).toEqual([]);
      expect(new Set(fulfilled.map((f) => f.order.id)).size).toBe(1);
      expect((await first.orders.list.query({})).items).toHaveLength(1);
    }, 60_000);

    it('sends each mail once while both processes run their jobs', async () => {
      const before = smtp.messages.length;
      await signUpAcross('pgmail', 10);
      await eventually(() => smtp.messages.filter((m) => m.to.includes('pgmail')).length >= 10, 20_000);
      await new Promise((r) => setTimeout(r, 1500)); // both dispatchers had time to send any duplicate
      const welcomes = smtp.messages.slice(before).filter((m) => m.to.includes('pgmail'));
      expect(welcomes.map((m) => m.to).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `pgmail${i}@example.com`).sort(),
      );
    }, 60_000);

    it('keeps every acknowledged order when a third process is SIGKILLed under load; the others send its mail', async () => {
      const admin = await signInAdmin(urlFor(0));
      const { variantId } = await createProduct(admin, 'pg-crash', 1000, 1000);
      const standard = await createStandardShipping(admin);
      const doomed = await startServer(env);
      const buyers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const client = unbatched(doomed.url);
          await client.auth.signUp.mutate({
            email: `pgcrash${i}@example.com`,
            password: 'customer-password',
            name: `Crash ${i}`,
          });
          return client;
        }),
      );
      const acknowledged: string[] = [];
      let killed = false;
      const refusals: string[] = [];
      // Each buyer adds a unit and orders it, again and again, until the process dies under it.
      const load = buyers.map(async (buyer) => {
        while (!killed) {
          try {
            await buyer.cart.addItem.mutate({ variantId, quantity: 1 });
            const placed = await buyer.checkout.placeOrder.mutate({
              idempotencyKey: randomUUID(),
              shippingAddress: ADDRESS,
              shippingOptionId: standard.id,
            });
            acknowledged.push(placed.order.id);
          } catch (error) {
            if (!killed) refusals.push(String(error));
          }
        }
      });
      await eventually(() => acknowledged.length >= 20 || refusals.length > 0, 30_000);
      expect(refusals).toEqual([]);
      doomed.child.kill('SIGKILL');
      killed = true;
      await doomed.exited;
      await Promise.allSettled(load);

      const ids = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await admin.admin.orders.list.query({
          limit: 100,
          q: 'pgcrash',
          ...(cursor ? { cursor } : {}),
        });
        for (const order of page.items) ids.add(order.id);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      for (const id of acknowledged) expect(ids.has(id)).toBe(true);
      // Every order's confirmation is delivered by the processes still running (a mail the killed
      // process was sending when it died may arrive twice: delivery is at least once).
      const confirmed = () =>
        new Set(
          smtp.messages
            .filter((m) => m.to.includes('pgcrash') && /^Order #\d+ received$/.test(m.subject))
            .map((m) => m.subject),
        );
      // A mail the killed process had claimed waits for its 30 s lease to lapse.
      await eventually(() => confirmed().size >= ids.size, 60_000);
      expect(confirmed().size).toBe(ids.size);
    }, 120_000);
  },
);
