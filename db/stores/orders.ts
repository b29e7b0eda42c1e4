import type { OrderStatus } from '../../shared/reasons.js';

/**
 * The orders area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/orders.ts, db/postgres/orders.ts). Rows come back in the same shapes on both engines:
 * money and epoch milliseconds as integers, JSON columns as their text.
 */

export type PaymentProvider = 'manual' | 'stripe';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';

export interface PaymentRow {
  id: string;
  orderId: string;
  provider: PaymentProvider;
  status: PaymentStatus;
  amount: number;
  currency: string;
  externalId: string | null;
  clientSecret: string | null;
}

/** The payment as the API reference shows it. */
export interface PaymentView {
  id: string;
  provider: PaymentProvider;
  status: PaymentStatus;
  amount: number;
  currency: string;
  clientSecret: string | null;
}

export interface OrderRow {
  id: string;
  number: number;
  status: OrderStatus;
  email: string;
  currency: string;
  subtotal: number;
  discountCode: string | null;
  discountAmount: number;
  shippingOptionId: string;
  shippingName: string;
  shippingPrice: number;
  tax: number;
  total: number;
  shippingAddress: string;
  trackingNumber: string | null;
  createdAt: number;
  updatedAt: number;
  payment: PaymentView;
}

export interface OrderLineRow {
  variantId: string;
  productId: string;
  productName: string;
  variantName: string;
  sku: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

export interface OrderHistoryRow {
  status: OrderStatus;
  createdAt: number;
  note: string | null;
}

export interface OrderSummaryRow {
  id: string;
  number: number;
  status: OrderStatus;
  total: number;
  currency: string;
  email: string;
  createdAt: number;
  itemCount: number;
}

export interface OrderFilter {
  userId?: string;
  status?: OrderStatus;
  /** An exact order number, or a lowercase fragment of the customer's email. */
  number?: number;
  emailContains?: string;
}

/** Keyset paging, newest first: rows strictly before (createdAt, id). */
export interface OrderPage {
  limit: number;
  before?: { createdAt: number; id: string };
}

export interface IdempotencyRecord {
  requestHash: string;
  orderId: string | null;
  response: string | null;
}

/** Everything placeOrder writes for a new order (its number from OrderStore.nextOrderNumber). */
export interface NewOrder {
  id: string;
  number: number;
  userId: string;
  email: string;
  currency: string;
  subtotal: number;
  discountId: string | null;
  discountCode: string | null;
  discountAmount: number;
  shippingOptionId: string;
  shippingName: string;
  shippingPrice: number;
  tax: number;
  total: number;
  shippingAddress: string;
  lines: OrderLineRow[];
  payment: { id: string; provider: PaymentProvider };
  now: number;
}

export interface OrderEventEntry {
  orderId: string;
  status: OrderStatus;
  note: string | null;
  actorId: string | null;
  now: number;
}

export interface OrderNoticeRow {
  id: string;
  number: number;
  status: OrderStatus;
  email: string;
  total: number;
  currency: string;
  trackingNumber: string | null;
  name: string;
}

export interface SalesDay {
  date: string;
  orders: number;
  revenue: number;
}

export interface TopProduct {
  productId: string;
  name: string;
  quantity: number;
  revenue: number;
}

export interface OrderStore {
  // Placing an order.
  /**
   * Records the key for this request unless the user already has it: true when this call claimed
   * it. On PostgreSQL a concurrent claim of the same key waits for the other transaction and then
   * answers false once it committed (the unique key decides), so one key never gives two orders.
   */
  claimIdempotencyKey(claim: {
    userId: string;
    key: string;
    requestHash: string;
    now: number;
  }): Promise<boolean>;
  idempotencyKey(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Ties a claimed key to its order and, when final already, the answer. */
  completeIdempotencyKey(done: {
    userId: string;
    key: string;
    orderId: string;
    response: string | null;
  }): Promise<void>;
  /** Stores the first answer for a key that has none yet. */
  storeResponse(userId: string, key: string, response: string): Promise<void>;
  /**
   * The number for the next order. PostgreSQL takes it from a sequence (it is the caller's, used
   * or not, so numbers may have gaps); SQLite reads the highest so far plus one, which holds only
   * inside the write transaction that inserts the order.
   */
  nextOrderNumber(): Promise<number>;
  /** Writes the order, its lines, first history entry and payment. */
  insertOrder(order: NewOrder): Promise<void>;
  insertRedemption(redemption: {
    orderId: string;
    discountId: string;
    userId: string;
    now: number;
  }): Promise<void>;
  paymentOfOrder(orderId: string): Promise<PaymentRow | undefined>;
  /** Sets the provider's reference once (a payment that has one keeps it). */
  setPaymentReference(
    paymentId: string,
    started: { externalId: string | null; clientSecret: string | null },
  ): Promise<void>;

  // Reading orders.
  /** The order with its payment; with `userId`, only that user's. */
  order(id: string, userId?: string): Promise<OrderRow | undefined>;
  orderLines(orderId: string): Promise<OrderLineRow[]>;
  orderHistory(orderId: string): Promise<OrderHistoryRow[]>;
  /** Summaries newest first, `limit` rows at most. */
  orderSummaries(filter: OrderFilter, page: OrderPage): Promise<OrderSummaryRow[]>;
  /** True when the user bought the product in an order that is paid, fulfilled or delivered. */
  hasBought(userId: string, productId: string): Promise<boolean>;

  // Moving orders along their life cycle.
  /** The order's status, its row locked until the transaction ends (PostgreSQL); undefined when missing or not the owner's. */
  lockOrderStatus(orderId: string, ownerId?: string): Promise<OrderStatus | undefined>;
  /** Moves the order from `from` to `to`: false when it is no longer in `from`. */
  setOrderStatus(orderId: string, from: OrderStatus, to: OrderStatus, now: number): Promise<boolean>;
  addOrderEvent(entry: OrderEventEntry): Promise<void>;
  setTrackingNumber(orderId: string, trackingNumber: string): Promise<void>;
  /** The order's lines as stock to give back, sorted by variant id (rows are touched in that order). */
  orderStock(orderId: string): Promise<{ variantId: string; quantity: number }[]>;
  /** Deletes the order's discount use and gives it back to the discount's count. */
  releaseRedemption(orderId: string): Promise<void>;
  /** Marks the payment `to` when it is `from` now: false when it was not. */
  setPaymentStatus(paymentId: string, from: PaymentStatus, to: PaymentStatus, now: number): Promise<boolean>;
  /** Orders still unpaid created before the cutoff, oldest first. */
  staleUnpaidOrders(cutoff: number, limit: number): Promise<string[]>;

  // Notifications.
  orderForNotice(orderId: string): Promise<OrderNoticeRow | undefined>;
  linesForNotice(orderId: string): Promise<{ name: string; variant: string; quantity: number }[]>;

  // Provider events.
  /** The Stripe payment with this payment-intent id. */
  paymentByIntent(intentId: string): Promise<PaymentRow | undefined>;
  /**
   * Records a provider event id: false when it was recorded before (a duplicate). On PostgreSQL a
   * concurrent copy waits for the first transaction, then finds it.
   */
  claimPaymentEvent(event: { id: string; type: string; now: number }): Promise<boolean>;
  setPaymentEventOutcome(id: string, outcome: string): Promise<void>;

  // Reports over paid, fulfilled and delivered orders created in [start, end).
  salesTotals(start: number, end: number): Promise<{ orders: number; revenue: number }>;
  salesByDay(start: number, end: number): Promise<SalesDay[]>;
  topProducts(start: number, end: number, limit: number): Promise<TopProduct[]>;
}
