import Stripe from 'stripe';
import type { Config } from '../../config.js';
import type { PaymentEvent, PaymentProvider } from './provider.js';

/** Stripe's signature tolerance: events signed more than 5 minutes ago are refused. */
const TOLERANCE_SECONDS = 300;

/**
 * Stripe through the official SDK. STRIPE_API_URL points the SDK elsewhere (a local stub in tests).
 * Idempotency keys derive from the order, so a retried call never creates a second intent or refund.
 */
export function createStripePayments(config: Config): PaymentProvider {
  const secretKey = config.STRIPE_SECRET_KEY;
  const webhookSecret = config.STRIPE_WEBHOOK_SECRET;
  if (!secretKey || !webhookSecret)
    throw new Error('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
  const api = new URL(config.STRIPE_API_URL);
  const stripe = new Stripe(secretKey, {
    host: api.hostname,
    port: api.port || (api.protocol === 'https:' ? 443 : 80),
    protocol: api.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 2,
    timeout: 20_000,
  });
  return {
    name: 'stripe',
    async createPayment({ orderId, amount, currency }) {
      const intent = await stripe.paymentIntents.create(
        {
          amount,
          currency: currency.toLowerCase(),
          metadata: { orderId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: `backroom-order-${orderId}-intent` },
      );
      return { externalId: intent.id, clientSecret: intent.client_secret };
    },
    async refund({ orderId, externalId, amount }) {
      if (!externalId) throw new Error(`order ${orderId} has no payment intent to refund`);
      await stripe.refunds.create(
        { payment_intent: externalId, amount, metadata: { orderId } },
        { idempotencyKey: `backroom-order-${orderId}-refund` },
      );
    },
    parseWebhook(payload, signature, nowMs) {
      // @see node_modules/stripe/esm/Webhooks.js: receivedAt is in milliseconds.
      const event = stripe.webhooks.constructEvent(
        payload,
        signature,
        webhookSecret,
        TOLERANCE_SECONDS,
        undefined,
        nowMs,
      );
      return event as unknown as PaymentEvent;
    },
  };
}
