/** What checkout needs from a payment service; `manual` and (later) `stripe` implement it. */
export interface PaymentProvider {
  readonly name: 'manual' | 'stripe';
  /**
   * Starts collecting `amount` for an order. Must be idempotent per order id: a retry after a crash
   * returns the same payment instead of a second charge.
   */
  createPayment(order: { orderId: string; amount: number; currency: string }): Promise<{
    externalId: string | null;
    clientSecret: string | null;
  }>;
  /** Gives a succeeded payment back in full. */
  refund(payment: {
    orderId: string;
    externalId: string | null;
    amount: number;
    currency: string;
  }): Promise<void>;
}
