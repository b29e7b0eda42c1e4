import { and, asc, count, desc, eq, gte, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { CatalogStore, GeneratedBatch, ProductStatus } from '../stores/catalog.js';
import { cardRows } from './catalog-cards.js';
import type { Executor } from './client.js';
import { preparedQuery } from './prepared.js';
import { category, inventoryMovement, product, review, variant } from './schema/index.js';
import { unlessDuplicate } from './unique.js';

const variantColumns = {
  id: variant.id,
  sku: variant.sku,
  name: variant.name,
  price: variant.price,
  compareAtPrice: variant.compareAtPrice,
  available: variant.stock,
  weightGrams: variant.weightGrams,
};

const productColumns = {
  id: product.id,
  slug: product.slug,
  name: product.name,
  description: product.description,
  status: product.status,
  images: product.images,
  ratingAvg: product.ratingAvg,
  ratingCount: product.ratingCount,
  createdAt: product.createdAt,
  category: { id: category.id, slug: category.slug, name: category.name },
};

const productQuery = (db: Executor, by: 'slug' | 'id') =>
  db
    .select(productColumns)
    .from(product)
    .leftJoin(category, eq(category.id, product.categoryId))
    .where(eq(by === 'slug' ? product.slug : product.id, sql.placeholder('key')))
    .prepare();

const variantsQuery = (db: Executor) =>
  db
    .select(variantColumns)
    .from(variant)
    .where(eq(variant.productId, sql.placeholder('productId')))
    .orderBy(asc(variant.position), asc(variant.createdAt))
    .prepare();

const stockUpdateQuery = (db: Executor) =>
  db
    .update(variant)
    .set({
      stock: sql`${variant.stock} + ${sql.placeholder('delta')}`,
      updatedAt: sql`${sql.placeholder('now')}`,
    })
    .where(
      and(
        eq(variant.id, sql.placeholder('variantId')),
        gte(variant.stock, sql`-${sql.placeholder('delta')}`),
      ),
    )
    .returning({ stock: variant.stock })
    .prepare();

const ledgerInsertQuery = (db: Executor) =>
  db
    .insert(inventoryMovement)
    .values({
      variantId: sql.placeholder('variantId'),
      delta: sql.placeholder('delta'),
      stockAfter: sql.placeholder('stockAfter'),
      reason: sql.placeholder('reason'),
      note: sql.placeholder('note'),
      actorId: sql.placeholder('actorId'),
      orderId: sql.placeholder('orderId'),
      createdAt: sql.placeholder('now'),
    })
    .prepare();

/**
 * The catalog area's queries on SQLite (better-sqlite3: every call answers at once, the promise only
 * wraps the result). Built once per connection; the hot reads (product page, lists) are prepared
 * statements cached on the connection.
 */
export function sqliteCatalog(db: Executor): CatalogStore {
  return {
    listCards: async (query) => cardRows(db, query),

    categorySubtreeIds: async (slug) =>
      db
        .all<{ id: string }>(sql`
          WITH RECURSIVE subtree(id) AS (
            SELECT id FROM category WHERE slug = ${slug}
            UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
          ) SELECT id FROM subtree`)
        .map((r) => r.id),

    isInSubtree: async (rootId, candidateId) =>
      db.all(sql`
        WITH RECURSIVE subtree(id) AS (
          SELECT ${rootId} UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
        ) SELECT id FROM subtree WHERE id = ${candidateId}`).length > 0,

    findProduct: async (by) => {
      const field = 'slug' in by ? 'slug' : 'id';
      const row = preparedQuery(db, `product-by-${field}`, (d) => productQuery(d, field)).get({
        key: 'slug' in by ? by.slug : by.id,
      });
      if (!row) return null;
      return { ...row, category: row.category?.id ? row.category : null };
    },

    variantsOf: async (productId) =>
      preparedQuery(db, 'variants-of-product', variantsQuery).all({ productId }),

    variantById: async (id) =>
      db
        .select({ ...variantColumns, productId: variant.productId })
        .from(variant)
        .where(eq(variant.id, id))
        .get() ?? null,

    categories: async () =>
      db
        .select({ id: category.id, slug: category.slug, name: category.name, parentId: category.parentId })
        .from(category)
        .orderBy(asc(category.name))
        .all(),

    activeProductCounts: async () =>
      db.all<{ categoryId: string; count: number }>(
        sql`SELECT category_id AS categoryId, count(*) AS count FROM product
            WHERE status = 'active' AND category_id IS NOT NULL GROUP BY category_id`,
      ),

    catalogSize: async () => ({
      categories: db.select({ n: count() }).from(category).get()?.n ?? 0,
      products: db.select({ n: count() }).from(product).get()?.n ?? 0,
    }),

    categoryIdBySlug: async (slug) =>
      db.select({ id: category.id }).from(category).where(eq(category.slug, slug)).get()?.id ?? null,

    categoryExists: async (id) =>
      db.select({ id: category.id }).from(category).where(eq(category.id, id)).get() !== undefined,

    categoryContents: async (id) => ({
      products: db.select({ n: count() }).from(product).where(eq(product.categoryId, id)).get()?.n ?? 0,
      children: db.select({ n: count() }).from(category).where(eq(category.parentId, id)).get()?.n ?? 0,
    }),

    insertCategory: async (row) =>
      unlessDuplicate(() =>
        db
          .insert(category)
          .values({ ...row, updatedAt: row.createdAt })
          .run(),
      ),

    updateCategory: async (id, fields, now) =>
      unlessDuplicate(() =>
        db
          .update(category)
          .set({ ...fields, updatedAt: now })
          .where(eq(category.id, id))
          .run(),
      ),

    deleteCategory: async (id) => {
      db.delete(category).where(eq(category.id, id)).run();
    },

    productIdBySlug: async (slug) =>
      db.select({ id: product.id }).from(product).where(eq(product.slug, slug)).get()?.id ?? null,

    productStatus: async (id): Promise<ProductStatus | null> =>
      db.select({ status: product.status }).from(product).where(eq(product.id, id)).get()?.status ?? null,

    insertProduct: async (row) =>
      unlessDuplicate(() =>
        db
          .insert(product)
          .values({ ...row, updatedAt: row.createdAt })
          .run(),
      ),

    updateProduct: async (id, fields, now) =>
      unlessDuplicate(() =>
        db
          .update(product)
          .set({ ...fields, updatedAt: now })
          .where(eq(product.id, id))
          .run(),
      ),

    variantIdBySku: async (sku) =>
      db.select({ id: variant.id }).from(variant).where(eq(variant.sku, sku)).get()?.id ?? null,

    variantCount: async (productId) =>
      db.select({ n: count() }).from(variant).where(eq(variant.productId, productId)).get()?.n ?? 0,

    insertVariant: async (row) =>
      unlessDuplicate(() =>
        db
          .insert(variant)
          .values({ ...row, stock: 0, updatedAt: row.createdAt })
          .run(),
      ),

    updateVariant: async (id, fields, now) => {
      db.update(variant)
        .set({ ...fields, updatedAt: now })
        .where(eq(variant.id, id))
        .run();
    },

    changeStock: async (change) => {
      const updated = preparedQuery(db, 'stock-change', stockUpdateQuery).get({
        variantId: change.variantId,
        delta: change.delta,
        now: change.now,
      });
      if (!updated) return null;
      preparedQuery(db, 'stock-ledger-row', ledgerInsertQuery).run({
        variantId: change.variantId,
        delta: change.delta,
        stockAfter: updated.stock,
        reason: change.reason,
        note: change.note ?? null,
        actorId: change.actorId ?? null,
        orderId: change.orderId ?? null,
        now: change.now,
      });
      return updated.stock;
    },

    lowStock: async ({ threshold, limit }) =>
      db
        .select({
          variantId: variant.id,
          productId: product.id,
          productSlug: product.slug,
          productName: product.name,
          sku: variant.sku,
          name: variant.name,
          stock: variant.stock,
        })
        .from(variant)
        .innerJoin(product, eq(product.id, variant.productId))
        .where(and(lte(variant.stock, threshold), ne(product.status, 'archived')))
        .orderBy(variant.stock, variant.sku)
        .limit(limit)
        .all(),

    ledger: async ({ variantId, beforeId, limit }) =>
      db
        .select()
        .from(inventoryMovement)
        .where(
          and(
            eq(inventoryMovement.variantId, variantId),
            beforeId === undefined ? undefined : lt(inventoryMovement.id, beforeId),
          ),
        )
        .orderBy(desc(inventoryMovement.id))
        .limit(limit)
        .all(),

    reviews: async ({ productId, before, limit }) =>
      db
        .select()
        .from(review)
        .where(
          and(
            eq(review.productId, productId),
            before === undefined
              ? undefined
              : or(
                  lt(review.createdAt, before.createdAt),
                  and(eq(review.createdAt, before.createdAt), lt(review.id, before.id)),
                ),
          ),
        )
        .orderBy(desc(review.createdAt), desc(review.id))
        .limit(limit)
        .all(),

    hasReviewed: async (productId, userId) =>
      db
        .select({ id: review.id })
        .from(review)
        .where(and(eq(review.productId, productId), eq(review.userId, userId)))
        .get() !== undefined,

    insertReview: async (row) => unlessDuplicate(() => db.insert(review).values(row).run()),

    refreshRating: async (productId) => {
      db.update(product)
        .set({
          ratingAvg: sql`coalesce((SELECT avg(${review.rating}) FROM ${review} WHERE ${review.productId} = ${productId}), 0)`,
          ratingCount: sql`(SELECT count(*) FROM ${review} WHERE ${review.productId} = ${productId})`,
        })
        .where(eq(product.id, productId))
        .run();
    },

    insertGenerated: async (batch) => insertGenerated(db, batch),
  };
}

/**
 * Variants go in before their product (foreign keys deferred to the commit), so the product's insert
 * trigger indexes its name, description and every SKU in one go; min_price and stock_total come
 * precomputed. Runs inside the caller's transaction (a unit of the group commit).
 */
function insertGenerated(db: Executor, batch: GeneratedBatch) {
  db.run(sql`PRAGMA defer_foreign_keys = ON`);
  for (const row of batch.categories) {
    db.insert(category)
      .values({ ...row, updatedAt: row.createdAt })
      .run();
  }
  const insertVariant = preparedQuery(db, 'generated-variant', (d) =>
    d
      .insert(variant)
      .values({
        id: sql.placeholder('id'),
        productId: sql.placeholder('productId'),
        sku: sql.placeholder('sku'),
        name: sql.placeholder('name'),
        price: sql.placeholder('price'),
        compareAtPrice: sql.placeholder('compareAtPrice'),
        stock: sql.placeholder('stock'),
        weightGrams: sql.placeholder('weightGrams'),
        position: sql.placeholder('position'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('createdAt'),
      })
      .prepare(),
  );
  const insertProduct = preparedQuery(db, 'generated-product', (d) =>
    d
      .insert(product)
      .values({
        id: sql.placeholder('id'),
        slug: sql.placeholder('slug'),
        name: sql.placeholder('name'),
        description: sql.placeholder('description'),
        categoryId: sql.placeholder('categoryId'),
        status: sql.placeholder('status'),
        images: sql.placeholder('images'),
        minPrice: sql.placeholder('minPrice'),
        stockTotal: sql.placeholder('stockTotal'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('createdAt'),
      })
      .prepare(),
  );
  const insertMovement = preparedQuery(db, 'stock-ledger-row', ledgerInsertQuery);
  const variantsOf = new Map<string, GeneratedBatch['variants']>();
  for (const row of batch.variants)
    variantsOf.set(row.productId, [...(variantsOf.get(row.productId) ?? []), row]);
  for (const row of batch.products) {
    for (const v of variantsOf.get(row.id) ?? []) {
      insertVariant.run({ ...v });
      if (v.stock > 0) {
        insertMovement.run({
          variantId: v.id,
          delta: v.stock,
          stockAfter: v.stock,
          reason: 'initial',
          note: null,
          actorId: null,
          orderId: null,
          now: v.createdAt,
        });
      }
    }
    insertProduct.run({ ...row });
  }
}
