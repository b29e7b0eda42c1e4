import type { Config } from '../../config.js';
import { manualPayments } from './manual.js';
import type { PaymentProvider } from './provider.js';
import { createStripePayments } from './stripe.js';

export type { PaymentEvent, PaymentProvider } from './provider.js';

/** The provider PAYMENT_PROVIDER names. */
export function createPaymentProvider(config: Config): PaymentProvider {
  return config.PAYMENT_PROVIDER === 'stripe' ? createStripePayments(config) : manualPayments;
}
