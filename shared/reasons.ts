/** Every `error.data.reason` the API answers with; stable across versions. */
export const ERROR_REASONS = [
  // transport and access
  'INVALID_INPUT',
  'INVALID_CURSOR',
  'MALFORMED_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_SUPPORTED',
  'CROSS_ORIGIN',
  'AMBIGUOUS_CREDENTIALS',
  'INVALID_SIGNATURE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL',
  'TEMPORARILY_UNAVAILABLE',
  // accounts
  'EMAIL_TAKEN',
  'INVALID_CREDENTIALS',
  'INVALID_TOKEN',
  // catalogue and inventory
  'CATEGORY_NOT_EMPTY',
  'INVALID_PARENT',
  'SLUG_TAKEN',
  'SKU_TAKEN',
  'INSUFFICIENT_STOCK',
  // cart, discounts and checkout
  'VARIANT_NOT_FOUND',
  'QUANTITY_LIMIT',
  'OUT_OF_STOCK',
  'DISCOUNT_NOT_FOUND',
  'DISCOUNT_CODE_TAKEN',
  'DISCOUNT_EXPIRED',
  'DISCOUNT_MIN_SUBTOTAL',
  'DISCOUNT_EXHAUSTED',
  'CART_EMPTY',
  'SHIPPING_UNAVAILABLE',
  'PRICE_CHANGED',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYMENT_UNAVAILABLE',
  // orders and reviews
  'INVALID_TRANSITION',
  'NOT_PURCHASED',
  'ALREADY_REVIEWED',
  // admin
  'LAST_ADMIN',
  'WEBHOOK_TARGET_FORBIDDEN',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

/** Order statuses, in life-cycle order. */
export const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const USER_ROLES = ['customer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];
