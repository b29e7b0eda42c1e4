/** What checkout needs from a payment service; `manual` and `stripe` implement it. */
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
  /** Verifies a webhook's signature on the raw body and parses it; throws when it does not hold. */
  parseWebhook?(payload: string, signature: string, nowMs: number): PaymentEvent;
}

/** The parts of a provider's webhook event that Backroom reads. */
export interface PaymentEvent {
  id: string;
  type: string;
  data: {
    object: {
      id: string;
      object: string;
      amount?: number;
      amount_received?: number;
      amount_refunded?: number;
      currency?: string;
      refunded?: boolean;
      payment_intent?: string | null;
      metadata?: Record<string, string>;
    };
  };
}
