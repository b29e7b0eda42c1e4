import { describe, expect } from 'vitest';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import type { TestApp } from '../helpers/app.js';
import { tableRows, testSql } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { startWebhookReceiver } from '../helpers/receivers.js';
import { customer, placeOrder, setupShop } from '../helpers/shop.js';
import { it } from '../helpers/test.js';

describe('webhook targets at creation', () => {
  it.for([
    ['http://127.0.0.1:3000/hook', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://localhost:3000/', 'local name'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'local name'],
    ['http://10.1.2.3/', 'private'],
    ['http://192.168.1.10/', 'private'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://[fd00::1]/', 'private'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
  ] as const)(
    'refuses %s (%s) with BAD_REQUEST WEBHOOK_TARGET_FORBIDDEN and stores nothing',
    async ([url, why], { shop }) => {
      const error = await errorOf(shop.admin.admin.webhooks.create.mutate({ url, events: ['order.paid'] }));
      expect(error.data).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
        reason: 'WEBHOOK_TARGET_FORBIDDEN',
      });
      const fieldErrors = error.data.fieldErrors as Record<string, string[]>;
      expect(fieldErrors.url?.[0]).toContain(why);
      expect(await shop.admin.admin.webhooks.list.query()).toEqual([]);
    },
  );

  it('accepts a public host name', async ({ shop }) => {
    const hook = await shop.admin.admin.webhooks.create.mutate({
      url: 'https://hooks.example.com/backroom',
      events: ['order.paid'],
    });
    expect(hook.url).toBe('https://hooks.example.com/backroom');
  });

  it('accepts private targets only with WEBHOOK_ALLOW_PRIVATE_TARGETS=true, and never another scheme', async ({
    makeApp,
  }) => {
    const shop = await setupShop(await makeApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }));
    const hook = await shop.admin.admin.webhooks.create.mutate({
      url: 'http://localhost:3000/hook',
      events: ['order.paid'],
    });
    expect(hook.url).toBe('http://localhost:3000/hook');
    const error = await errorOf(
      shop.admin.admin.webhooks.create.mutate({ url: 'ftp://127.0.0.1/', events: ['order.paid'] }),
    );
    expect(error.data.reason).toBe('INVALID_INPUT');
  });
});

describe('webhook targets at delivery', () => {
  /** Rows as stored while the setting was on, or before this rule existed. */
  async function storeHooks(app: TestApp, urls: string[]) {
    const ids: string[] = [];
    for (const [i, url] of urls.entries()) {
      const id = `hook-${i}`;
      await testSql(app).run(
        'INSERT INTO webhook (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)',
        [id, url, JSON.stringify(['order.created']), 'whsec_test', app.clock.now()],
      );
      ids.push(id);
    }
    return ids;
  }
  const dispatch = (app: TestApp, allowPrivateTargets: boolean) =>
    deliverDueMessages({
      engine: app.deps.engine,
      clock: app.clock,
      logger: app.deps.logger,
      mailer: app.deps.mailer,
      payments: app.deps.payments,
      storeName: 'Test',
      retryBaseMs: 1000,
      allowPrivateTargets,
    });
  const deliveryOf = async (app: TestApp, webhookId: string) =>
    (await tableRows(app, 'outboxMessage')).find((row) => row.webhookId === webhookId);

  it('refuses a name that resolves to loopback and every spelling of a loopback address, records why, and never retries', async ({
    app,
    shop,
  }) => {
    const receiver = await startWebhookReceiver();
    try {
      const port = new URL(receiver.url).port;
      const ids = await storeHooks(app, [
        `http://localhost:${port}/hooks`, // refused after resolving, not by its name
        `http://2130706433:${port}/hooks`,
        `http://0x7f.0.0.1:${port}/hooks`,
        `http://0177.0.0.1:${port}/hooks`,
        `http://[::ffff:127.0.0.1]:${port}/hooks`,
      ]);
      const { client } = await customer(app);
      await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);

      expect(await dispatch(app, false)).toMatchObject({ failed: ids.length });
      app.clock.advance(24 * 60 * 60 * 1000);
      await dispatch(app, false);
      expect(receiver.received).toHaveLength(0);
      for (const id of ids) {
        const row = await deliveryOf(app, id);
        expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
        expect(row?.lastError).toMatch(/^Refused: .*loopback address/);
      }
      expect((await deliveryOf(app, ids[0] ?? ''))?.lastError).toMatch(
        /^Refused: localhost resolves to 127\.0\.0\.1, a loopback/,
      );
      const logged = app.logs.filter((line) => line.msg === 'outbox delivery failed');
      expect(logged).toHaveLength(ids.length);
      expect(logged.every((line) => line.giveUp === true)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('delivers to the same local receiver when WEBHOOK_ALLOW_PRIVATE_TARGETS is on', async ({ makeApp }) => {
    const receiver = await startWebhookReceiver();
    try {
      const app = await makeApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
      const shop = await setupShop(app);
      const port = new URL(receiver.url).port;
      const ids = await storeHooks(app, [
        `http://localhost:${port}/hooks`,
        `http://2130706433:${port}/hooks`,
      ]);
      const { client } = await customer(app);
      await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
      expect(await dispatch(app, true)).toMatchObject({ failed: 0 });
      expect(receiver.received).toHaveLength(2);
      for (const id of ids)
        expect(await deliveryOf(app, id)).toMatchObject({ status: 'done', lastStatusCode: 200 });
    } finally {
      await receiver.close();
    }
  });
});
