import { z } from 'zod';
import { cursorSchema, idSchema, limitSchema, moneySchema, text } from './common.js';

export const countrySchema = text()
  .trim()
  .toUpperCase()
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'Use an ISO 3166 alpha-2 country code'));

const line = (max: number) => text().trim().min(1).max(max);

export const addressSchema = z.strictObject({
  name: line(100),
  line1: line(200),
  line2: text().trim().max(200).optional(),
  city: line(100),
  region: text().trim().max(100).optional(),
  postalCode: line(20),
  country: countrySchema,
  phone: text().trim().max(30).optional(),
});

export const cartQuantityInput = z.strictObject({
  variantId: idSchema,
  quantity: z.number().int().min(1).max(99),
});
export const cartSetQuantityInput = z.strictObject({
  variantId: idSchema,
  quantity: z.number().int().min(0).max(99),
});
export const cartRemoveInput = z.strictObject({ variantId: idSchema });
export const discountCodeSchema = text()
  .trim()
  .min(1)
  .max(64)
  .transform((code) => code.toUpperCase());
export const applyDiscountInput = z.strictObject({ code: discountCodeSchema });

export const shippingOptionsInput = z.strictObject({ country: countrySchema });
export const quoteInput = z.strictObject({ shippingAddress: addressSchema, shippingOptionId: idSchema });
export const placeOrderInput = z.strictObject({
  idempotencyKey: text().min(8).max(255),
  shippingAddress: addressSchema,
  shippingOptionId: idSchema,
  expectedTotal: moneySchema.optional(),
});

export const pageInput = z
  .strictObject({ limit: limitSchema, cursor: cursorSchema.optional() })
  .default({ limit: 20 });

export const reviewListInput = z.strictObject({
  productId: idSchema,
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export const reviewCreateInput = z.strictObject({
  productId: idSchema,
  rating: z.number().int().min(1).max(5),
  title: text().min(1).max(120),
  body: text().min(1).max(5000),
});

const timestamp = z.iso.datetime({ offset: true }).transform((value) => Date.parse(value));

export const discountCreateInput = z
  .strictObject({
    code: discountCodeSchema.pipe(text().regex(/^[A-Z0-9_-]+$/, 'Use letters, digits, dash and underscore')),
    kind: z.enum(['percent', 'fixed']),
    value: z.number().int().min(1).max(100_000_000),
    minSubtotal: moneySchema.optional(),
    startsAt: timestamp.optional(),
    endsAt: timestamp.optional(),
    maxRedemptions: z.number().int().min(1).max(10_000_000).optional(),
    oncePerCustomer: z.boolean().optional(),
  })
  .refine((d) => d.kind !== 'percent' || d.value <= 100, {
    path: ['value'],
    message: 'A percentage is at most 100',
  })
  .refine((d) => d.startsAt === undefined || d.endsAt === undefined || d.startsAt < d.endsAt, {
    path: ['endsAt'],
    message: 'Ends before it starts',
  });

const shippingFields = {
  name: text().trim().min(1).max(100),
  countries: z.array(countrySchema).max(250),
  price: moneySchema,
  freeOverSubtotal: moneySchema.nullable().optional(),
  minDays: z.number().int().min(0).max(365),
  maxDays: z.number().int().min(0).max(365),
};
const daysInOrder = (d: { minDays?: number | undefined; maxDays?: number | undefined }) =>
  d.minDays === undefined || d.maxDays === undefined || d.minDays <= d.maxDays;

export const shippingCreateInput = z
  .strictObject(shippingFields)
  .refine(daysInOrder, { path: ['maxDays'], message: 'maxDays is before minDays' });
export const shippingUpdateInput = z
  .strictObject({ id: idSchema, ...z.strictObject(shippingFields).partial().shape })
  .refine(daysInOrder, { path: ['maxDays'], message: 'maxDays is before minDays' });

export const taxSetInput = z.strictObject({
  country: countrySchema,
  rateBps: z.number().int().min(0).max(10_000),
});

export const orderListAdminInput = z
  .strictObject({
    status: z.enum(['pending_payment', 'paid', 'fulfilled', 'delivered', 'cancelled']).optional(),
    q: text().trim().max(100).optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .default({ limit: 20 });
export const fulfillInput = z.strictObject({
  id: idSchema,
  trackingNumber: text().trim().min(1).max(100).optional(),
});
export const adminCancelInput = z.strictObject({ id: idSchema, note: text().trim().max(500).optional() });

export const userListInput = z
  .strictObject({
    q: text().trim().max(100).optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .default({ limit: 20 });
export const setRoleInput = z.strictObject({ id: idSchema, role: z.enum(['customer', 'admin']) });

const day = z.iso.date();
export const salesReportInput = z
  .strictObject({ from: day, to: day })
  .refine((d) => d.from <= d.to, { path: ['to'], message: 'to is before from' })
  .refine((d) => Date.parse(d.to) - Date.parse(d.from) <= 366 * 2 * 86_400_000, {
    path: ['to'],
    message: 'At most two years at a time',
  });

export const WEBHOOK_EVENT_NAMES = [
  'order.created',
  'order.paid',
  'order.fulfilled',
  'order.delivered',
  'order.cancelled',
] as const;
export const webhookCreateInput = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'Use an http(s) URL' }).max(2048),
  events: z.array(z.enum(WEBHOOK_EVENT_NAMES)).min(1).max(WEBHOOK_EVENT_NAMES.length),
});
export const webhookDeliveriesInput = z.strictObject({ webhookId: idSchema });
