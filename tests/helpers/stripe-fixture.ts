import Stripe from 'stripe';
import { rawRequest } from './client.js';
import { startStripeStub } from './stripe-stub.js';
import { test } from './test.js';

/** The webhook signing secret the app under test checks. */
export const STRIPE_WEBHOOK_SECRET = 'whsec_test_secret';
/** Signs webhook payloads as Stripe does (the SDK's test helper). */
export const stripeSigner = new Stripe('sk_test_signer');

/**
 * The test fixture for an app that takes payments through Stripe: `stub`, one Stripe API
 * stand-in for the file (the official SDK talks to it); `deliver(payload)` posts a webhook to the
 * app, signed like Stripe signs it (or with the timestamp, secret or signature given).
 */
export const stripeTest = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('stub', { scope: 'file' }, async ({}, { onCleanup }) => {
    const stub = await startStripeStub();
    onCleanup(() => stub.close());
    return stub;
  })
  .override('env', async ({ stub }) => ({
    PAYMENT_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_backroom',
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stub.url,
    OUTBOX_RETRY_BASE_MS: '10',
  }))
  .extend(
    'deliver',
    async ({ app }) =>
      (payload: string, options: { timestamp?: number; secret?: string; signature?: string } = {}) => {
        const timestamp = options.timestamp ?? Math.floor(app.clock.now() / 1000);
        const signature =
          options.signature ??
          stripeSigner.webhooks.generateTestHeaderString({
            payload,
            secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
            timestamp,
          });
        return rawRequest(app, '/webhooks/stripe', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
        });
      },
  );

let eventCounter = 0;
/** A Stripe event's JSON, with a fresh id unless one is given. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  id = `evt_test_${++eventCounter}`,
): string {
  return JSON.stringify({ id, object: 'event', type, data: { object } });
}

/** payment_intent.succeeded for the intent, the whole amount received. */
export const paymentSucceeded = (intentId: string, amount: number, currency = 'usd') =>
  stripeEvent('payment_intent.succeeded', {
    id: intentId,
    object: 'payment_intent',
    amount,
    amount_received: amount,
    currency,
  });
