import { describe, expect } from 'vitest';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import { rawRequest } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, idempotencyKey } from '../helpers/shop.js';
import {
  paymentSucceeded,
  STRIPE_WEBHOOK_SECRET,
  stripeEvent,
  stripeSigner,
  stripeTest,
} from '../helpers/stripe-fixture.js';

const SECRET = STRIPE_WEBHOOK_SECRET;

/**
 * The Stripe fixture (stripe-fixture.ts) and: `stripeOrder()` places an order for two white mugs;
 * `paymentRow(id)` reads an order's payment from the database.
 */
const it = stripeTest
  .extend('stripeOrder', async ({ app, shop }) => async () => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    const placed = await client.checkout.placeOrder.mutate({
      idempotencyKey: idempotencyKey(),
      shippingAddress: ADDRESS,
      shippingOptionId: shop.standard.id,
    });
    return { client, ...placed };
  })
  .extend(
    'paymentRow',
    async ({ app }) =>
      async (orderId: string) =>
        (await tableRows(app, 'payment')).find((row) => row.orderId === orderId),
  );

const event = stripeEvent;
const succeeded = paymentSucceeded;

describe('Stripe payments', () => {
  it('creates a PaymentIntent for the order total with the order id and an order-derived idempotency key', async ({
    stub,
    stripeOrder,
  }) => {
    const { order, payment: started } = await stripeOrder();
    const call = stub.calls.at(-1);
    expect(call?.path).toBe('/v1/payment_intents');
    expect(call?.params.get('amount')).toBe(String(order.total));
    expect(call?.params.get('currency')).toBe('usd');
    expect(call?.params.get('metadata[orderId]')).toBe(order.id);
    expect(call?.idempotencyKey).toBe(`backroom-order-${order.id}-intent`);
    expect(started).toMatchObject({ provider: 'stripe', status: 'pending', amount: order.total });
    expect(started.clientSecret).toMatch(/^pi_stub_\d+_secret_/);
  });

  it('marks the order paid on payment_intent.succeeded, once, even delivered 10 times concurrently', async ({
    app,
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const { client, order } = await stripeOrder();
    const intent = (await paymentRow(order.id))?.externalId ?? '';
    const payload = succeeded(intent, order.total);
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(payload)));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const outcomes = await Promise.all(
      answers.map((r) => r.json().then((b) => (b as { outcome: string }).outcome)),
    );
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9);

    const paid = await client.orders.get.query({ id: order.id });
    expect(paid.status).toBe('paid');
    expect(paid.payment.status).toBe('succeeded');
    expect(paid.history.filter((h) => h.status === 'paid')).toHaveLength(1);
    expect(await tableRows(app, 'paymentEvent')).toHaveLength(1);
    const mails = (await tableRows(app, 'outboxMessage')).filter((row) => row.kind === 'mail');
    expect(mails.filter((m) => m.payload.includes('payment_received'))).toHaveLength(1);
  });

  it('refuses to mark paid when the amount or currency differ from the order', async ({
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const { client, order } = await stripeOrder();
    const intent = (await paymentRow(order.id))?.externalId ?? '';
    for (const payload of [succeeded(intent, order.total - 1), succeeded(intent, order.total, 'eur')]) {
      const answer = await deliver(payload);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ outcome: 'rejected' });
    }
    expect((await client.orders.get.query({ id: order.id })).status).toBe('pending_payment');
    expect((await paymentRow(order.id))?.status).toBe('pending');
  });

  it('answers 400 to a bad, missing, tampered or stale signature and changes nothing', async ({
    app,
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const { order } = await stripeOrder();
    const intent = (await paymentRow(order.id))?.externalId ?? '';
    const payload = succeeded(intent, order.total);
    const stale = await deliver(payload, { timestamp: Math.floor(app.clock.now() / 1000) - 600 });
    expect(stale.status).toBe(400);
    expect(((await stale.json()) as { error: { data: { reason: string } } }).error.data.reason).toBe(
      'INVALID_SIGNATURE',
    );
    expect((await deliver(payload, { secret: 'whsec_wrong' })).status).toBe(400);
    const signedOther = stripeSigner.webhooks.generateTestHeaderString({
      payload: succeeded(intent, 1),
      secret: SECRET,
      timestamp: Math.floor(app.clock.now() / 1000),
    });
    expect((await deliver(payload, { signature: signedOther })).status).toBe(400);
    const unsigned = await rawRequest(app, '/webhooks/stripe', { method: 'POST', body: payload });
    expect(unsigned.status).toBe(400);
    expect((await paymentRow(order.id))?.status).toBe('pending');
    expect(await tableRows(app, 'paymentEvent')).toEqual([]);
  });

  it('records a failed payment without cancelling, and never moves backwards on late events', async ({
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const { client, order } = await stripeOrder();
    const intent = (await paymentRow(order.id))?.externalId ?? '';
    await deliver(event('payment_intent.payment_failed', { id: intent, object: 'payment_intent' }));
    expect((await paymentRow(order.id))?.status).toBe('failed');
    expect((await client.orders.get.query({ id: order.id })).status).toBe('pending_payment');

    await deliver(succeeded(intent, order.total)); // the customer retried with another card
    expect((await client.orders.get.query({ id: order.id })).status).toBe('paid');
    const late = await deliver(
      event('payment_intent.payment_failed', { id: intent, object: 'payment_intent' }),
    );
    expect(await late.json()).toMatchObject({ outcome: 'ignored' });
    expect((await paymentRow(order.id))?.status).toBe('succeeded');
    expect((await client.orders.get.query({ id: order.id })).status).toBe('paid');
  });

  it('refunds a paid order that is cancelled, through the outbox, and takes charge.refunded as confirmation', async ({
    app,
    stub,
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const { client, order } = await stripeOrder();
    const intent = (await paymentRow(order.id))?.externalId ?? '';
    await deliver(succeeded(intent, order.total));
    await client.orders.cancel.mutate({ id: order.id });
    expect((await paymentRow(order.id))?.status).toBe('succeeded'); // the refund has not gone out yet

    const dispatch = {
      engine: app.deps.engine,
      clock: app.clock,
      logger: app.deps.logger,
      mailer: { destination: 'nowhere', send: async () => {}, close: () => {} },
      payments: app.deps.payments,
      storeName: 'Test',
      retryBaseMs: 10,
      allowPrivateTargets: false,
    };
    stub.failNext(3); // the SDK tries 3 times; all fail, so the refund waits for a retry
    await deliverDueMessages(dispatch);
    expect((await paymentRow(order.id))?.status).toBe('succeeded');
    app.clock.advance(1000);
    await deliverDueMessages(dispatch);
    const refunds = stub.calls.filter((c) => c.path === '/v1/refunds');
    expect(refunds.at(-1)?.params.get('payment_intent')).toBe(intent);
    expect(refunds.at(-1)?.params.get('amount')).toBe(String(order.total));
    expect(new Set(refunds.map((c) => c.idempotencyKey))).toEqual(
      new Set([`backroom-order-${order.id}-refund`]),
    );
    expect((await paymentRow(order.id))?.status).toBe('refunded');

    const confirmation = await deliver(
      event('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: intent,
        refunded: true,
        amount_refunded: order.total,
      }),
    );
    expect(await confirmation.json()).toMatchObject({ outcome: 'ignored' });
  });

  it('takes a refund made in the Stripe dashboard, and refunds money that arrives after the order expired', async ({
    app,
    shop,
    stripeOrder,
    deliver,
    paymentRow,
  }) => {
    const first = await stripeOrder();
    const intent = (await paymentRow(first.order.id))?.externalId ?? '';
    await deliver(succeeded(intent, first.order.total));
    await deliver(
      event('charge.refunded', {
        id: 'ch_2',
        object: 'charge',
        payment_intent: intent,
        refunded: true,
        amount_refunded: first.order.total,
      }),
    );
    expect((await paymentRow(first.order.id))?.status).toBe('refunded');

    const second = await stripeOrder();
    await shop.admin.admin.orders.cancel.mutate({ id: second.order.id });
    const late = await deliver(
      succeeded((await paymentRow(second.order.id))?.externalId ?? '', second.order.total),
    );
    expect(await late.json()).toMatchObject({ outcome: 'refunding' });
    expect((await second.client.orders.get.query({ id: second.order.id })).status).toBe('cancelled');
    const queued = (await tableRows(app, 'outboxMessage')).filter((row) => row.kind === 'refund');
    expect(queued.map((m) => JSON.parse(m.payload).orderId)).toEqual([second.order.id]);
  });

  it('answers 503 when Stripe is down, keeps the order, and the same key retries only the payment', async ({
    app,
    shop,
    stub,
  }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    const input = {
      idempotencyKey: 'stripe-down-key-1',
      shippingAddress: ADDRESS,
      shippingOptionId: shop.standard.id,
    };
    stub.failNext(3);
    const down = await errorOf(client.checkout.placeOrder.mutate(input));
    expect(down.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      reason: 'PAYMENT_UNAVAILABLE',
    });
    const retried = await client.checkout.placeOrder.mutate(input);
    expect(retried.payment.clientSecret).toMatch(/^pi_stub_/);
    expect((await client.orders.list.query()).items).toHaveLength(1);
  });
});
