/**
 * What the admin procedures answer (docs/api/admin.md), documented in the OpenAPI document like
 * outputs.ts, and held to the routers' answers the same way (tests/types/output-schemas.ts).
 */
import { z } from 'zod';
import { ORDER_STATUSES } from '../reasons.js';
import { WEBHOOK_EVENT_NAMES } from './commerce.js';
import { orderSummaryOutput, productCardOutput, productOutput, variantOutput } from './outputs.js';

const money = z.number().int().min(0);
const timestamp = z.string().describe('ISO-8601 timestamp, UTC');
const productStatus = z.enum(['active', 'draft', 'archived']);

export const adminProductOutput = productOutput
  .extend({ status: productStatus })
  .meta({ id: 'AdminProduct' });
export const adminProductCardOutput = productCardOutput
  .extend({ status: productStatus })
  .meta({ id: 'AdminProductCard' });
export const adminVariantOutput = variantOutput
  .extend({ productId: z.string() })
  .meta({ id: 'AdminVariant' });

export const stockLevelOutput = z.object({ variantId: z.string(), stock: z.number().int().min(0) });

export const lowStockOutput = z.object({
  variantId: z.string(),
  productId: z.string(),
  productSlug: z.string(),
  productName: z.string(),
  sku: z.string(),
  name: z.string(),
  stock: z.number().int().min(0),
});

export const stockMovementOutput = z.object({
  id: z.string(),
  variantId: z.string(),
  delta: z.number().int(),
  stockAfter: z.number().int().min(0),
  reason: z.enum(['initial', 'adjustment', 'order', 'cancellation', 'expiry']),
  note: z.string().nullable(),
  actorId: z.string().nullable(),
  orderId: z.string().nullable(),
  createdAt: timestamp,
});

export const discountOutput = z
  .object({
    id: z.string(),
    code: z.string(),
    kind: z.enum(['percent', 'fixed']),
    value: z.number().int(),
    minSubtotal: money,
    startsAt: timestamp.nullable(),
    endsAt: timestamp.nullable(),
    maxRedemptions: z.number().int().nullable(),
    oncePerCustomer: z.boolean(),
    redemptions: z.number().int().min(0),
    active: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Discount' });

export const adminShippingOptionOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    price: money,
    freeOverSubtotal: money.nullable(),
    estimatedDays: z.object({ min: z.number().int(), max: z.number().int() }),
    countries: z.array(z.string()).describe('ISO alpha-2 codes; empty ships everywhere'),
  })
  .meta({ id: 'AdminShippingOption' });

export const taxRateOutput = z.object({ country: z.string(), rateBps: z.number().int().min(0).max(10_000) });

export const adminOrderSummaryOutput = orderSummaryOutput
  .extend({ email: z.string(), status: z.enum(ORDER_STATUSES) })
  .meta({ id: 'AdminOrderSummary' });

export const salesReportOutput = z.object({
  currency: z.string(),
  orders: z.number().int().min(0),
  revenue: money,
  averageOrderValue: money,
  byDay: z.array(z.object({ date: z.string(), orders: z.number().int().min(0), revenue: money })),
  topProducts: z.array(
    z.object({ productId: z.string(), name: z.string(), quantity: z.number().int().min(0), revenue: money }),
  ),
});

export const webhookOutput = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()).describe(`Among ${WEBHOOK_EVENT_NAMES.join(', ')}`),
    createdAt: timestamp,
  })
  .meta({ id: 'Webhook' });
export const createdWebhookOutput = webhookOutput.extend({
  secret: z.string().describe('Signs every delivery; shown only here'),
});

export const webhookDeliveryOutput = z.object({
  id: z.string(),
  event: z.string().nullable(),
  status: z.enum(['pending', 'done', 'failed']),
  attempts: z.number().int().min(0),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: timestamp.nullable(),
  createdAt: timestamp,
  doneAt: timestamp.nullable(),
});
