import type { Config } from '../../config.js';
import { manualPayments } from './manual.js';
import type { PaymentProvider } from './provider.js';

export type { PaymentProvider } from './provider.js';

/** The provider PAYMENT_PROVIDER names. */
export function createPaymentProvider(config: Config): PaymentProvider {
  if (config.PAYMENT_PROVIDER === 'stripe') {
    // NOTE: the Stripe provider arrives with the integrations issue; refusing beats taking orders
    // that no one can pay.
    throw new Error('PAYMENT_PROVIDER=stripe is not available in this version; use manual');
  }
  return manualPayments;
}
