/**
 * What the procedures answer, as zod schemas (docs/api/types.md). They document the answers in the
 * OpenAPI document (server/http/openapi/) and are checked against the answers the routers really
 * give, at compile time (tests/types/output-schemas.ts) and on the wire (tests/api/rest-*.test.ts).
 * NOTE: they are not run on each answer: see server/trpc.ts ProcedureMeta for why.
 */
import { z } from 'zod';
import { ERROR_REASONS, ORDER_STATUSES, USER_ROLES } from '../reasons.js';

const id = z.string();
const money = z.number().int().min(0);
const timestamp = z.string().describe('ISO-8601 timestamp, UTC');
const currency = z.string().describe('ISO 4217 currency code');

/** `Page<T>`: keyset pages; `nextCursor` is opaque, null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const okOutput = z.object({ ok: z.literal(true) });

export const storeInfoOutput = z.object({ name: z.string(), currency });

export const userOutput = z
  .object({
    id,
    email: z.string(),
    name: z.string(),
    role: z.enum(USER_ROLES),
    emailVerified: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'User' });

/** `auth.signUp` / `auth.signIn`: the user, and with `session: 'token'` the session's bearer token. */
export const signedInOutput = z.object({
  user: userOutput,
  token: z.string().optional().describe("Only with `session: 'token'`: send as `Authorization: Bearer …`"),
  expiresAt: timestamp.optional().describe("Only with `session: 'token'`: when the session ends unless used"),
});

const rating = z.object({ average: z.number().nullable(), count: z.number().int().min(0) });

export const categoryOutput = z
  .object({
    id,
    slug: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    productCount: z.number().int().min(0),
  })
  .meta({ id: 'Category' });

export const productCardOutput = z
  .object({
    id,
    slug: z.string(),
    name: z.string(),
    price: money,
    currency,
    imageUrl: z.string().nullable(),
    inStock: z.boolean(),
    rating,
    category: z.object({ slug: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'ProductCard' });

export const variantOutput = z
  .object({
    id,
    sku: z.string(),
    name: z.string(),
    price: money,
    compareAtPrice: money.nullable(),
    available: z.number().int().min(0),
    weightGrams: z.number().int().min(0),
  })
  .meta({ id: 'Variant' });

export const productOutput = z
  .object({
    id,
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    currency,
    category: z.object({ id, slug: z.string(), name: z.string() }).nullable(),
    images: z.array(z.string()),
    rating,
    variants: z.array(variantOutput),
    createdAt: timestamp,
  })
  .meta({ id: 'Product' });

export const reviewOutput = z
  .object({
    id,
    productId: id,
    rating: z.number().int().min(1).max(5),
    title: z.string(),
    body: z.string(),
    authorName: z.string(),
    verifiedPurchase: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Review' });

const discountApplied = z.object({ code: z.string(), amount: money });

export const cartLineOutput = z
  .object({
    variantId: id,
    productId: id,
    productSlug: z.string(),
    productName: z.string(),
    variantName: z.string(),
    sku: z.string(),
    imageUrl: z.string().nullable(),
    unitPrice: money,
    quantity: z.number().int().min(1),
    lineTotal: money,
    available: z.number().int().min(0),
  })
  .meta({ id: 'CartLine' });

export const cartOutput = z
  .object({
    id: id.nullable().describe('null until the first write creates the cart'),
    currency,
    items: z.array(cartLineOutput),
    itemCount: z.number().int().min(0),
    subtotal: money,
    discount: discountApplied.nullable(),
    discountProblem: z
      .object({ code: z.string(), reason: z.enum(ERROR_REASONS) })
      .nullable()
      .describe('An attached code that gives nothing today, and why'),
    total: money,
  })
  .meta({ id: 'Cart' });

export const shippingOptionOutput = z
  .object({
    id,
    name: z.string(),
    price: money,
    estimatedDays: z.object({ min: z.number().int(), max: z.number().int() }),
  })
  .meta({ id: 'ShippingOption' });

export const totalsOutput = z
  .object({ currency, subtotal: money, discount: money, shipping: money, tax: money, total: money })
  .meta({ id: 'Totals' });

export const addressOutput = z
  .object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    region: z.string().optional(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string().optional(),
  })
  .meta({ id: 'Address' });

export const paymentOutput = z
  .object({
    id,
    provider: z.enum(['manual', 'stripe']),
    status: z.enum(['pending', 'succeeded', 'failed', 'refunded']),
    amount: money,
    currency,
    clientSecret: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

export const orderLineOutput = z
  .object({
    variantId: id,
    productId: id,
    productName: z.string(),
    variantName: z.string(),
    sku: z.string(),
    unitPrice: money,
    quantity: z.number().int().min(1),
    lineTotal: money,
  })
  .meta({ id: 'OrderLine' });

const orderStatus = z.enum(ORDER_STATUSES);

export const orderOutput = z
  .object({
    id,
    number: z.number().int(),
    status: orderStatus,
    email: z.string(),
    items: z.array(orderLineOutput),
    currency,
    subtotal: money,
    discount: discountApplied.nullable(),
    shipping: z.object({ optionId: id, name: z.string(), price: money }),
    tax: money,
    total: money,
    shippingAddress: addressOutput,
    payment: paymentOutput,
    trackingNumber: z.string().nullable(),
    history: z.array(z.object({ status: orderStatus, at: timestamp, note: z.string().nullable() })),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Order' });

export const orderSummaryOutput = z
  .object({
    id,
    number: z.number().int(),
    status: orderStatus,
    total: money,
    currency,
    itemCount: z.number().int().min(0),
    createdAt: timestamp,
  })
  .meta({ id: 'OrderSummary' });

export const placedOrderOutput = z.object({ order: orderOutput, payment: paymentOutput });

/** An error as the REST mirror answers it: the code and reason the same tRPC call gives. */
export const apiErrorOutput = z.object({
  code: z.string().describe('The tRPC error code name: BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, …'),
  reason: z.enum(ERROR_REASONS),
  message: z.string(),
  fieldErrors: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('Invalid input: messages by field'),
  formErrors: z.array(z.string()).optional().describe('Invalid input: messages about the whole input'),
});
