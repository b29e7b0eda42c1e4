import { z } from 'zod';
import { cursorSchema, idSchema, limitSchema, moneySchema, slugSchema, text } from './common.js';

export const PRODUCT_SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'rating'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Free-text search: at most 100 characters; any characters are safe (control characters, NUL included, are dropped before the query: server/services/catalog/search-words.ts). */
export const searchTextSchema = z.string().max(100, 'Search text is limited to 100 characters');

export const productListInput = z
  .strictObject({
    q: searchTextSchema.optional(),
    category: slugSchema.optional(),
    minPrice: moneySchema.optional(),
    maxPrice: moneySchema.optional(),
    inStock: z.boolean().optional(),
    sort: z.enum(PRODUCT_SORTS).optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .default({ limit: 20 });

export const productBySlugInput = z.strictObject({ slug: text().min(1).max(100) });

const nameSchema = text().trim().min(1).max(200);
const imageUrl = z.url({ protocol: /^https$/, error: 'Use an https URL' }).max(2048);

export const categoryCreateInput = z.strictObject({
  slug: slugSchema,
  name: nameSchema,
  parentId: idSchema.optional(),
});

export const categoryUpdateInput = z.strictObject({
  id: idSchema,
  slug: slugSchema.optional(),
  name: nameSchema.optional(),
  parentId: idSchema.nullable().optional(),
});

export const variantFields = {
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'Use letters, digits, dot, dash and underscore'),
  name: nameSchema,
  price: moneySchema,
  compareAtPrice: moneySchema.optional(),
  stock: z.number().int().min(0).max(1_000_000),
  weightGrams: z.number().int().min(0).max(1_000_000).optional(),
};

export const productCreateInput = z.strictObject({
  slug: slugSchema,
  name: nameSchema,
  description: text().max(20_000),
  categoryId: idSchema.optional(),
  images: z.array(imageUrl).max(20).optional(),
  status: z.enum(['active', 'draft']).optional(),
  variants: z.array(z.strictObject(variantFields)).min(1).max(100),
});

export const productUpdateInput = z.strictObject({
  id: idSchema,
  slug: slugSchema.optional(),
  name: nameSchema.optional(),
  description: text().max(20_000).optional(),
  categoryId: idSchema.nullable().optional(),
  images: z.array(imageUrl).max(20).optional(),
  status: z.enum(['active', 'draft', 'archived']).optional(),
});

export const adminProductListInput = z
  .strictObject({
    q: searchTextSchema.optional(),
    status: z.enum(['active', 'draft', 'archived']).optional(),
    limit: limitSchema,
    cursor: cursorSchema.optional(),
  })
  .default({ limit: 20 });

export const variantCreateInput = z.strictObject({ productId: idSchema, ...variantFields });

export const variantUpdateInput = z.strictObject({
  id: idSchema,
  name: nameSchema.optional(),
  price: moneySchema.optional(),
  compareAtPrice: moneySchema.nullable().optional(),
  weightGrams: z.number().int().min(0).max(1_000_000).optional(),
});

export const inventoryAdjustInput = z.strictObject({
  variantId: idSchema,
  delta: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((d) => d !== 0, 'A change of zero changes nothing'),
  reason: text().trim().min(1).max(200),
});

export const lowStockInput = z
  .strictObject({
    threshold: z.number().int().min(0).max(1_000_000).default(5),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .default({ threshold: 5, limit: 100 });

export const inventoryLedgerInput = z.strictObject({
  variantId: idSchema,
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});

export const idInput = z.strictObject({ id: idSchema });
