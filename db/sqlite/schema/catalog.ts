import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  real,
  sqliteTable,
  text,
} from 'drizzle-orm/sqlite-core';
import { user } from './auth.js';

export const category = sqliteTable(
  'category',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    parentId: text('parent_id').references((): AnySQLiteColumn => category.id, { onDelete: 'restrict' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('category_parent_id_idx').on(t.parentId)],
);

/**
 * Products. `seq` is the rowid (stable, creation order): the full-text index and keyset cursors
 * use it. `minPrice`, `stockTotal` are kept by triggers on variant; `rating*` by reviews.
 */
export const product = sqliteTable(
  'product',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    categoryId: text('category_id').references(() => category.id, { onDelete: 'restrict' }),
    status: text('status', { enum: ['active', 'draft', 'archived'] }).notNull(),
    /** JSON array of https URLs. */
    images: text('images').notNull().default('[]'),
    minPrice: integer('min_price').notNull().default(0),
    stockTotal: integer('stock_total').notNull().default(0),
    ratingAvg: real('rating_avg').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('product_status_check', sql`${t.status} in ('active', 'draft', 'archived')`),
    check('product_images_check', sql`json_valid(${t.images}) and json_type(${t.images}) = 'array'`),
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

export const variant = sqliteTable(
  'variant',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => product.id, { onDelete: 'restrict' }),
    sku: text('sku').notNull().unique(),
    name: text('name').notNull(),
    price: integer('price').notNull(),
    compareAtPrice: integer('compare_at_price'),
    stock: integer('stock').notNull(),
    weightGrams: integer('weight_grams').notNull().default(0),
    position: integer('position').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('variant_price_check', sql`${t.price} >= 0`),
    check('variant_compare_at_price_check', sql`${t.compareAtPrice} is null or ${t.compareAtPrice} >= 0`),
    check('variant_stock_check', sql`${t.stock} >= 0`),
    check('variant_weight_check', sql`${t.weightGrams} >= 0`),
    index('variant_product_idx').on(t.productId, t.position),
    // SQLite only (the low-stock report): SQLite rewrites just this index's entry when the stock
    // changes. PostgreSQL has none: there it would make every stock update a non-HOT update
    // (db/postgres/schema/catalog.ts).
    index('variant_stock_idx').on(t.stock),
  ],
);

/** The inventory ledger: one row per change of stock, whoever made it and why. */
export const inventoryMovement = sqliteTable(
  'inventory_movement',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    variantId: text('variant_id')
      .notNull()
      .references(() => variant.id, { onDelete: 'restrict' }),
    delta: integer('delta').notNull(),
    stockAfter: integer('stock_after').notNull(),
    reason: text('reason', { enum: ['initial', 'adjustment', 'order', 'cancellation', 'expiry'] }).notNull(),
    note: text('note'),
    actorId: text('actor_id').references(() => user.id, { onDelete: 'set null' }),
    orderId: text('order_id'),
    createdAt: integer('created_at').notNull(),
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
