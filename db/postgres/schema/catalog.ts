import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
} from 'drizzle-orm/pg-core';
import { user } from './auth.js';
import { epochMs, money } from './columns.js';

export const category = pgTable(
  'category',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    parentId: text('parent_id').references((): AnyPgColumn => category.id, { onDelete: 'restrict' }),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [index('category_parent_id_idx').on(t.parentId)],
);

/**
 * Products (mirror of db/schema/catalog.ts). `seq` is an identity (creation order) that keyset
 * cursors and product_search use; `minPrice`, `stockTotal` are kept by triggers on variant
 * (migration 0002), as on SQLite.
 */
export const product = pgTable(
  'product',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull().unique(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    categoryId: text('category_id').references(() => category.id, { onDelete: 'restrict' }),
    status: text('status', { enum: ['active', 'draft', 'archived'] }).notNull(),
    /** JSON array of https URLs (text, as on SQLite). */
    images: text('images').notNull().default('[]'),
    minPrice: money('min_price').notNull().default(0),
    stockTotal: bigint('stock_total', { mode: 'number' }).notNull().default(0),
    ratingAvg: doublePrecision('rating_avg').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    check('product_status_check', sql`${t.status} in ('active', 'draft', 'archived')`),
    // NOTE: text that is not JSON at all fails the cast (SQLSTATE 22P02) instead of the CHECK (23514).
    check('product_images_check', sql`jsonb_typeof(${t.images}::jsonb) = 'array'`),
    check('product_money_check', sql`${t.minPrice} >= 0 and ${t.stockTotal} >= 0`),
    check('product_rating_check', sql`${t.ratingCount} >= 0 and ${t.ratingAvg} between 0 and 5`),
    index('product_created_idx').on(t.createdAt, t.seq),
    index('product_status_created_idx').on(t.status, t.createdAt, t.seq),
    index('product_status_price_idx').on(t.status, t.minPrice, t.seq),
    index('product_status_rating_idx').on(t.status, t.ratingAvg, t.ratingCount, t.seq),
    index('product_category_created_idx').on(t.categoryId, t.status, t.createdAt, t.seq),
    index('product_category_price_idx').on(t.categoryId, t.status, t.minPrice, t.seq),
  ],
);

export const variant = pgTable(
  'variant',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => product.id, { onDelete: 'restrict' }),
    sku: text('sku').notNull().unique(),
    name: text('name').notNull(),
    price: money('price').notNull(),
    compareAtPrice: money('compare_at_price'),
    stock: integer('stock').notNull(),
    weightGrams: integer('weight_grams').notNull().default(0),
    position: integer('position').notNull().default(0),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    check('variant_price_check', sql`${t.price} >= 0`),
    check('variant_compare_at_price_check', sql`${t.compareAtPrice} is null or ${t.compareAtPrice} >= 0`),
    check('variant_stock_check', sql`${t.stock} >= 0`),
    check('variant_weight_check', sql`${t.weightGrams} >= 0`),
    index('variant_product_idx').on(t.productId, t.position),
    // NOTE: no index on stock. On PostgreSQL an indexed column changing makes every stock update a
    // non-HOT update (a new entry in each of the variant's indexes): a best-seller's row then piles
    // up index entries, 3,000 updates of one row took 1.6 s with one and 0.34 s without. The
    // low-stock report (admin) scans the variants instead.
    // PostgreSQL only: SKU search by trigram (pg_trgm), beside product_search.
    index('variant_sku_trgm_idx').using('gin', t.sku.op('gin_trgm_ops')).with({ fastupdate: false }),
  ],
);

/** The inventory ledger: one row per change of stock, whoever made it and why. */
export const inventoryMovement = pgTable(
  'inventory_movement',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    variantId: text('variant_id')
      .notNull()
      .references(() => variant.id, { onDelete: 'restrict' }),
    delta: integer('delta').notNull(),
    stockAfter: integer('stock_after').notNull(),
    reason: text('reason', { enum: ['initial', 'adjustment', 'order', 'cancellation', 'expiry'] }).notNull(),
    note: text('note'),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    orderId: text('order_id'),
    createdAt: epochMs('created_at').notNull(),
  },
  (t) => [
    check('inventory_movement_delta_check', sql`${t.delta} <> 0 and ${t.stockAfter} >= 0`),
    check(
      'inventory_movement_reason_check',
      sql`${t.reason} in ('initial', 'adjustment', 'order', 'cancellation', 'expiry')`,
    ),
    index('inventory_movement_variant_idx').on(t.variantId, t.id),
    index('inventory_movement_order_idx').on(t.orderId),
  ],
);
