import { createHmac } from 'node:crypto';
import { describe, expect } from 'vitest';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { startSmtpReceiver, startWebhookReceiver } from '../helpers/receivers.js';
import { customer, placeOrder } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

/**
 * `smtpServer`: one SMTP receiver for the file; `smtp`: the same, emptied for each test. `app` sends
 * its mail there, links to https://shop.example and may deliver webhooks to the receivers on 127.0.0.1.
 */
const it = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('smtpServer', { scope: 'file' }, async ({}, { onCleanup }) => {
    const smtp = await startSmtpReceiver();
    onCleanup(() => smtp.close());
    return smtp;
  })
  .extend('smtp', async ({ smtpServer }) => {
    smtpServer.messages.length = 0;
    return smtpServer;
  })
  .override('env', async ({ smtp }) => ({
    SMTP_URL: smtp.url,
    STOREFRONT_URL: 'https://shop.example',
    OUTBOX_RETRY_BASE_MS: '1000',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', // the receivers listen on 127.0.0.1
  }));

type Smtp = Awaited<ReturnType<typeof startSmtpReceiver>>;

/** Runs the outbox dispatcher once, as the job does every half second. */
const dispatch = (app: TestApp) =>
  deliverDueMessages({
    engine: app.deps.engine,
    clock: app.clock,
    logger: app.deps.logger,
    mailer: app.deps.mailer,
    payments: app.deps.payments,
    storeName: app.deps.config.STORE_NAME,
    retryBaseMs: app.deps.config.OUTBOX_RETRY_BASE_MS,
    allowPrivateTargets: app.deps.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  });

const mailTo = (smtp: Smtp, email: string) => smtp.messages.filter((m) => m.to.includes(email));
const linkToken = (text: string) => /token=([a-z2-7]{32})/.exec(text)?.[1] ?? '';

describe('transactional mail over SMTP', () => {
  it('welcomes a new customer with a verification link that works once', async ({ app, smtp }) => {
    const client = createTestClient(app);
    const account = newAccount({ name: 'Ann <script>alert(1)</script>' });
    await client.auth.signUp.mutate(account);
    expect(mailTo(smtp, account.email)).toHaveLength(0); // nothing leaves before the dispatcher runs
    await dispatch(app);
    const [welcome] = mailTo(smtp, account.email);
    expect(welcome?.subject).toBe('Welcome to Backroom Demo Store');
    expect(welcome?.from).toContain('shop@localhost');
    expect(welcome?.text).toContain('Hello Ann <script>alert(1)</script>,');
    expect(welcome?.html).toContain('Hello Ann &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(welcome?.html).not.toContain('<script>');
    expect(welcome?.text).toContain('https://shop.example/verify-email?token=');

    const token = linkToken(welcome?.text ?? '');
    expect(await client.auth.verifyEmail.mutate({ token })).toEqual({ ok: true });
    expect((await client.auth.me.query())?.emailVerified).toBe(true);
    expect((await errorOf(client.auth.verifyEmail.mutate({ token }))).data).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'INVALID_TOKEN',
    });

    await client.auth.requestEmailVerification.mutate();
    await dispatch(app);
    expect(mailTo(smtp, account.email).at(-1)?.subject).toBe('Confirm your email for Backroom Demo Store');
  });

  it('answers a reset request the same way whether or not the email exists, and mails only real accounts', async ({
    app,
    smtp,
  }) => {
    const { account } = await customer(app);
    const anonymous = createTestClient(app);
    expect(await anonymous.auth.requestPasswordReset.mutate({ email: account.email.toUpperCase() })).toEqual({
      ok: true,
    });
    expect(await anonymous.auth.requestPasswordReset.mutate({ email: 'nobody@example.com' })).toEqual({
      ok: true,
    });
    await dispatch(app);
    expect(mailTo(smtp, 'nobody@example.com')).toEqual([]);
    const reset = mailTo(smtp, account.email).find((m) => m.subject.startsWith('Reset'));
    expect(reset?.text).toContain('https://shop.example/reset-password?token=');
  });

  it('resets the password with a single-use token valid one hour, ending every session', async ({
    app,
    smtp,
  }) => {
    const { client, account } = await customer(app);
    const other = createTestClient(app);
    await other.auth.signIn.mutate({ email: account.email, password: account.password });
    await client.auth.requestPasswordReset.mutate({ email: account.email });
    await dispatch(app);
    const token = linkToken(
      mailTo(smtp, account.email).find((m) => m.subject.startsWith('Reset'))?.text ?? '',
    );

    expect(
      await createTestClient(app).auth.resetPassword.mutate({ token, newPassword: 'brand new secret' }),
    ).toEqual({ ok: true });
    expect(await client.auth.me.query()).toBeNull();
    expect(await other.auth.me.query()).toBeNull();
    await createTestClient(app).auth.signIn.mutate({ email: account.email, password: 'brand new secret' });
    const again = await errorOf(
      createTestClient(app).auth.resetPassword.mutate({ token, newPassword: 'another secret' }),
    );
    expect(again.data).toMatchObject({ code: 'BAD_REQUEST', reason: 'INVALID_TOKEN' });

    await client.auth.requestPasswordReset.mutate({ email: account.email });
    await dispatch(app);
    const late = linkToken(
      mailTo(smtp, account.email)
        .filter((m) => m.subject.startsWith('Reset'))
        .at(-1)?.text ?? '',
    );
    app.clock.advance(60 * 60 * 1000 + 1);
    expect(
      (
        await errorOf(
          createTestClient(app).auth.resetPassword.mutate({ token: late, newPassword: 'x'.repeat(10) }),
        )
      ).data.reason,
    ).toBe('INVALID_TOKEN');
    for (const forged of ['', 'a'.repeat(32), "' OR 1=1 --"]) {
      expect(
        (
          await errorOf(
            createTestClient(app).auth.resetPassword.mutate({ token: forged, newPassword: 'x'.repeat(10) }),
          )
        ).data.reason,
      ).toMatch(/INVALID_TOKEN|INVALID_INPUT/);
    }
  });

  it('mails the order confirmation, payment, shipping with tracking, and cancellation', async ({
    app,
    shop,
    smtp,
  }) => {
    const { client, account } = await customer(app);
    const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 2 }]);
    await shop.admin.admin.orders.markPaid.mutate({ id: order.id });
    await shop.admin.admin.orders.fulfill.mutate({ id: order.id, trackingNumber: '1Z<b>999' });
    const second = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
    await shop.admin.admin.orders.cancel.mutate({ id: second.order.id, note: 'Out of <i>stock</i>' });
    await dispatch(app);
    const subjects = mailTo(smtp, account.email).map((m) => m.subject);
    expect(subjects).toEqual([
      'Welcome to Backroom Demo Store',
      `Order #${order.number} received`,
      `Payment received for order #${order.number}`,
      `Order #${order.number} has shipped`,
      `Order #${second.order.number} received`,
      `Order #${second.order.number} was cancelled`,
    ]);
    const confirmation = mailTo(smtp, account.email)[1];
    expect(confirmation?.text).toContain('2 × Stoneware Mug (White)');
    expect(confirmation?.text).toContain(`Total: USD ${(order.total / 100).toFixed(2)}`);
    const shipped = mailTo(smtp, account.email)[3];
    expect(shipped?.text).toContain('Tracking number: 1Z<b>999');
    expect(shipped?.html).toContain('1Z&lt;b&gt;999');
    expect(mailTo(smtp, account.email)[5]?.html).toContain('Out of &lt;i&gt;stock&lt;/i&gt;');
  });

  it('queues nothing for a change that rolled back', async ({ app, shop }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.blue, quantity: 3 });
    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.blue, delta: -1, reason: 'breakage' });
    const before = (await tableRows(app, 'outboxMessage')).length;
    await errorOf(placeOrder(client, shop, []));
    expect(await tableRows(app, 'outboxMessage')).toHaveLength(before);
  });

  it('retries mail with backoff while the SMTP server is down', async ({ makeApp }) => {
    const down = await makeApp({ SMTP_URL: 'smtp://127.0.0.1:9', OUTBOX_RETRY_BASE_MS: '1000' });
    await createTestClient(down).auth.signUp.mutate(newAccount());
    const run = () =>
      deliverDueMessages({
        engine: down.deps.engine,
        clock: down.clock,
        logger: down.deps.logger,
        mailer: down.deps.mailer,
        payments: down.deps.payments,
        storeName: 'x',
        retryBaseMs: 1000,
        allowPrivateTargets: false,
      });
    expect(await run()).toEqual({ delivered: 0, failed: 0 });
    const row = async () => (await tableRows(down, 'outboxMessage'))[0];
    expect(await row()).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: down.clock.now() + 1000,
    });
    await run(); // not due yet
    expect((await row())?.attempts).toBe(1);
    down.clock.advance(1000);
    await run();
    expect(await row()).toMatchObject({ attempts: 2, nextAttemptAt: down.clock.now() + 2000 });
  });
});

describe('outbound webhooks', () => {
  it('signs each delivery, retries 5xx and 429 with backoff, and logs every attempt', async ({
    app,
    shop,
  }) => {
    const receiver = await startWebhookReceiver([500, 429, 503]);
    try {
      const hook = await shop.admin.admin.webhooks.create.mutate({
        url: receiver.url,
        events: ['order.created', 'order.paid'],
      });
      expect(hook.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
      expect(await shop.admin.admin.webhooks.list.query()).toEqual([
        {
          id: hook.id,
          url: receiver.url,
          events: ['order.created', 'order.paid'],
          createdAt: expect.any(String),
        },
      ]);
      const { client } = await customer(app);
      const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
      // Not a subscribed event, and refused anyway: an unpaid order cannot be fulfilled.
      const refused = await errorOf(shop.admin.admin.orders.fulfill.mutate({ id: order.id }));
      expect(refused.data.reason).toBe('INVALID_TRANSITION');

      for (let i = 0; i < 4; i++) {
        await dispatch(app);
        app.clock.advance(1000 * 2 ** i);
      }
      expect(receiver.received).toHaveLength(4);
      const last = receiver.received.at(-1);
      const body = JSON.parse(last?.body ?? '{}');
      expect(body).toMatchObject({
        type: 'order.created',
        data: { id: order.id, number: order.number, status: 'pending_payment' },
      });
      expect(last?.headers['backroom-event']).toBe('order.created');
      expect(last?.headers['backroom-delivery']).toBe(body.id);
      const [tPart, vPart] = String(last?.headers['backroom-signature']).split(',');
      const timestamp = tPart?.slice(2);
      const expected = createHmac('sha256', hook.secret).update(`${timestamp}.${last?.body}`).digest('hex');
      expect(vPart).toBe(`v1=${expected}`);
      expect(new Set(receiver.received.map((r) => r.headers['backroom-delivery']))).toEqual(
        new Set([body.id]),
      );

      const [delivery] = await shop.admin.admin.webhooks.deliveries.query({ webhookId: hook.id });
      expect(delivery).toMatchObject({
        id: body.id,
        event: 'order.created',
        status: 'done',
        attempts: 4,
        lastStatusCode: 200,
        lastError: null,
      });
    } finally {
      await receiver.close();
    }
  });

  it('gives up at once on other 4xx answers, and retries network errors', async ({ app, shop }) => {
    const receiver = await startWebhookReceiver([410]);
    try {
      const gone = await shop.admin.admin.webhooks.create.mutate({
        url: receiver.url,
        events: ['order.created'],
      });
      const dead = await shop.admin.admin.webhooks.create.mutate({
        url: 'http://127.0.0.1:9/hooks',
        events: ['order.created'],
      });
      const { client } = await customer(app);
      await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
      await dispatch(app);
      app.clock.advance(60_000);
      await dispatch(app);
      expect(receiver.received).toHaveLength(1);
      expect((await shop.admin.admin.webhooks.deliveries.query({ webhookId: gone.id }))[0]).toMatchObject({
        status: 'failed',
        attempts: 1,
        lastStatusCode: 410,
      });
      const [retrying] = await shop.admin.admin.webhooks.deliveries.query({ webhookId: dead.id });
      expect(retrying).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: null });
      expect(retrying?.lastError).toBeTruthy();
      expect(await shop.admin.admin.webhooks.delete.mutate({ id: dead.id })).toEqual({ ok: true });
      expect(
        (await errorOf(shop.admin.admin.webhooks.deliveries.query({ webhookId: dead.id }))).data.code,
      ).toBe('NOT_FOUND');
    } finally {
      await receiver.close();
    }
  });

  it('validates webhook input and is for admins only', async ({ app, shop }) => {
    for (const bad of [
      { url: 'ftp://example.com', events: ['order.paid'] },
      { url: 'https://example.com', events: [] },
      { url: 'https://example.com', events: ['order.exploded'] },
    ]) {
      expect((await errorOf(shop.admin.admin.webhooks.create.mutate(bad as never))).data.reason).toBe(
        'INVALID_INPUT',
      );
    }
    const { client } = await customer(app);
    expect((await errorOf(client.admin.webhooks.list.query())).data.code).toBe('FORBIDDEN');
    expect(
      (
        await errorOf(
          createTestClient(app).admin.webhooks.create.mutate({
            url: 'https://x.example',
            events: ['order.paid'],
          }),
        )
      ).data.code,
    ).toBe('UNAUTHORIZED');
  });
});

describe('outbox rows', () => {
  it('are written in the same transaction as the order', async ({ app, shop }) => {
    const { client } = await customer(app);
    const { order } = await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
    const rows = (await tableRows(app, 'outboxMessage')).filter((row) => row.kind === 'mail');
    expect(rows.some((r) => r.payload.includes(`"number":${order.number}`))).toBe(true);
  });
});
