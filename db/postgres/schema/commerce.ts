import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { user } from './auth.js';
import { product, variant } from './catalog.js';
import { epochMs, money } from './columns.js';

export const discount = pgTable(
  'discount',
  {
    id: text('id').primaryKey(),
    /** Stored upper-case; codes are matched case-insensitively. */
    code: text('code').notNull().unique(),
    kind: text('kind', { enum: ['percent', 'fixed'] }).notNull(),
    /** Percent (1–100) or a fixed amount in minor units. */
    value: money('value').notNull(),
    minSubtotal: money('min_subtotal').notNull().default(0),
    startsAt: epochMs('starts_at'),
    endsAt: epochMs('ends_at'),
    maxRedemptions: integer('max_redemptions'),
    oncePerCustomer: boolean('once_per_customer').notNull().default(false),
    redemptions: integer('redemptions').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    check('discount_kind_check', sql`${t.kind} in ('percent', 'fixed')`),
    check('discount_value_check', sql`${t.value} > 0 and (${t.kind} <> 'percent' or ${t.value} <= 100)`),
    check('discount_code_check', sql`${t.code} = upper(${t.code})`),
    check('discount_min_subtotal_check', sql`${t.minSubtotal} >= 0`),
    check(
      'discount_redemptions_check',
      sql`${t.redemptions} >= 0 and (${t.maxRedemptions} is null or ${t.redemptions} <= ${t.maxRedemptions})`,
    ),
  ],
);

export const cart = pgTable(
  'cart',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .unique()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** SHA-256 of the guest cart cookie's token; null for a user's cart. */
    guestTokenHash: text('guest_token_hash').unique(),
    discountId: text('discount_id').references(() => discount.id, { onDelete: 'set null' }),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    check('cart_owner_check', sql`(${t.userId} is null) <> (${t.guestTokenHash} is null)`),
    index('cart_updated_at_idx').on(t.updatedAt),
  ],
);

export const cartItem = pgTable(
  'cart_item',
  {
    cartId: text('cart_id')
      .notNull()
      .references(() => cart.id, { onDelete: 'cascade' }),
    variantId: text('variant_id')
      .notNull()
      .references(() => variant.id, { onDelete: 'cascade' }),
    quantity: integer('quantity').notNull(),
    addedAt: epochMs('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.cartId, t.variantId] }),
    check('cart_item_quantity_check', sql`${t.quantity} between 1 and 99`),
  ],
);

export const shippingOption = pgTable(
  'shipping_option',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** JSON array of ISO alpha-2 codes; empty ships everywhere. */
    countries: text('countries').notNull().default('[]'),
    price: money('price').notNull(),
    freeOverSubtotal: money('free_over_subtotal'),
    minDays: integer('min_days').notNull(),
    maxDays: integer('max_days').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    check(
      'shipping_option_money_check',
      sql`${t.price} >= 0 and (${t.freeOverSubtotal} is null or ${t.freeOverSubtotal} >= 0)`,
    ),
    check('shipping_option_days_check', sql`${t.minDays} >= 0 and ${t.maxDays} >= ${t.minDays}`),
    check('shipping_option_countries_check', sql`jsonb_typeof(${t.countries}::jsonb) = 'array'`),
  ],
);

export const taxRate = pgTable(
  'tax_rate',
  {
    country: text('country').primaryKey(),
    rateBps: integer('rate_bps').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [check('tax_rate_bps_check', sql`${t.rateBps} between 0 and 10000`)],
);

export const ORDER_STATUS_VALUES = [
  'pending_payment',
  'paid',
  'fulfilled',
  'delivered',
  'cancelled',
] as const;

/**
 * Order numbers (1001, 1002, …) come from this sequence: concurrent orders never wait for each other
 * to number themselves. NOTE: a rolled-back placement leaves a gap, as every shop's numbers may have.
 */
export const orderNumberSequence = pgSequence('order_number_seq', { startWith: 1001 });

/** `order` is an SQL keyword, hence customer_order. */
export const customerOrder = pgTable(
  'customer_order',
  {
    id: text('id').primaryKey(),
    number: integer('number').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'restrict' }),
    email: text('email').notNull(),
    status: text('status', { enum: ORDER_STATUS_VALUES }).notNull(),
    currency: text('currency').notNull(),
    subtotal: money('subtotal').notNull(),
    discountId: text('discount_id').references(() => discount.id, { onDelete: 'set null' }),
    discountCode: text('discount_code'),
    discountAmount: money('discount_amount').notNull().default(0),
    shippingOptionId: text('shipping_option_id').notNull(),
    shippingName: text('shipping_name').notNull(),
    shippingPrice: money('shipping_price').notNull(),
    tax: money('tax').notNull(),
    total: money('total').notNull(),
    /** JSON of the Address. */
    shippingAddress: text('shipping_address').notNull(),
    trackingNumber: text('tracking_number'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    check(
      'customer_order_status_check',
      sql`${t.status} in ('pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled')`,
    ),
    check(
      'customer_order_money_check',
      sql`${t.subtotal} >= 0 and ${t.discountAmount} >= 0 and ${t.discountAmount} <= ${t.subtotal} and ${t.shippingPrice} >= 0 and ${t.tax} >= 0`,
    ),
    check(
      'customer_order_total_check',
      sql`${t.total} = ${t.subtotal} - ${t.discountAmount} + ${t.shippingPrice} + ${t.tax}`,
    ),
    index('customer_order_user_idx').on(t.userId, t.createdAt, t.id),
    index('customer_order_status_idx').on(t.status, t.createdAt, t.id),
    index('customer_order_created_idx').on(t.createdAt, t.id),
    index('customer_order_email_idx').on(t.email),
  ],
);

export const orderLine = pgTable(
  'order_line',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orderId: text('order_id')
      .notNull()
      .references(() => customerOrder.id, { onDelete: 'cascade' }),
    variantId: text('variant_id')
      .notNull()
      .references(() => variant.id, { onDelete: 'restrict' }),
    productId: text('product_id')
      .notNull()
      .references(() => product.id, { onDelete: 'restrict' }),
    productName: text('product_name').notNull(),
    variantName: text('variant_name').notNull(),
    sku: text('sku').notNull(),
    unitPrice: money('unit_price').notNull(),
    quantity: integer('quantity').notNull(),
    lineTotal: money('line_total').notNull(),
  },
  (t) => [
    check(
      'order_line_money_check',
      sql`${t.unitPrice} >= 0 and ${t.quantity} > 0 and ${t.lineTotal} = ${t.unitPrice} * ${t.quantity}`,
    ),
    index('order_line_order_idx').on(t.orderId),
    index('order_line_product_idx').on(t.productId, t.orderId),
  ],
);

/** The history of an order: one row per status it entered. */
export const orderEvent = pgTable(
  'order_event',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    orderId: text('order_id')
      .notNull()
      .references(() => customerOrder.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ORDER_STATUS_VALUES }).notNull(),
    note: text('note'),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('order_event_order_idx').on(t.orderId, t.id)],
);

export const payment = pgTable(
  'payment',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .unique()
      .references(() => customerOrder.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['manual', 'stripe'] }).notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed', 'refunded'] }).notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    externalId: text('external_id'),
    clientSecret: text('client_secret'),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    check('payment_status_check', sql`${t.status} in ('pending', 'succeeded', 'failed', 'refunded')`),
    check('payment_provider_check', sql`${t.provider} in ('manual', 'stripe')`),
    check('payment_amount_check', sql`${t.amount} >= 0`),
    uniqueIndex('payment_external_idx').on(t.provider, t.externalId),
  ],
);

/** Discount uses, one per order; deleted again when the order is cancelled. */
export const discountRedemption = pgTable(
  'discount_redemption',
  {
    orderId: text('order_id')
      .primaryKey()
      .references(() => customerOrder.id, { onDelete: 'cascade' }),
    discountId: text('discount_id')
      .notNull()
      .references(() => discount.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [index('discount_redemption_user_idx').on(t.discountId, t.userId)],
);

/** Stripe-style idempotency: per user and key, the input's hash and the first answer. */
export const idempotencyKey = pgTable(
  'idempotency_key',
  {
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    orderId: text('order_id').references(() => customerOrder.id, { onDelete: 'cascade' }),
    /** JSON of the first successful answer; null until the payment exists. */
    response: text('response'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_key_created_idx').on(t.createdAt)],
);

export const review = pgTable(
  'review',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => product.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    authorName: text('author_name').notNull(),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    check('review_rating_check', sql`${t.rating} between 1 and 5`),
    uniqueIndex('review_product_user_idx').on(t.productId, t.userId),
    index('review_product_created_idx').on(t.productId, t.createdAt, t.id),
  ],
);
