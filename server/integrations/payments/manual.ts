import type { PaymentProvider } from './provider.js';

/**
 * Payments settled outside the shop (bank transfer, cash on pick-up): the payment stays pending
 * until an admin marks the order paid, and a refund is recorded for the merchant to carry out.
 */
export const manualPayments: PaymentProvider = {
  name: 'manual',
  createPayment: async () => ({ externalId: null, clientSecret: null }),
  refund: async () => {},
};
