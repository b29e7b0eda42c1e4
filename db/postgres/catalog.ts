import { and, asc, count, desc, eq, lt, lte, ne, or, sql } from 'drizzle-orm';
import type {
  CatalogStore,
  CategoryRow,
  GeneratedBatch,
  ProductStatus,
  VariantRow,
} from '../stores/catalog.js';
import { cardRows } from './catalog-cards.js';
import { type PgExecutor, sqlState } from './client.js';
import { namedStatement, onFirstUse } from './named-statement.js';
import { category, inventoryMovement, product, review, variant } from './schema/index.js';

const variantColumns = {
  id: variant.id,
  sku: variant.sku,
  name: variant.name,
  price: variant.price,
  compareAtPrice: variant.compareAtPrice,
  available: variant.stock,
  weightGrams: variant.weightGrams,
};

/** Runs a write; `false` when a unique constraint refused it (23505). In a transaction that ends it. */
async function unlessDuplicate(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (sqlState(error) === '23505') return false;
    throw error;
  }
}

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 bound parameters. */
const BULK_ROWS = 1000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BULK_ROWS) out.push(rows.slice(i, i + BULK_ROWS));
  return out;
}

const ph = sql.placeholder;
/** The conditional stock change and its ledger row, in one statement (corrections, restocks). */
const changeStockStatement = namedStatement<{ stock_after: number }>(
  'catalog_change_stock',
  sql`
    WITH updated AS (
      UPDATE variant SET stock = stock + ${ph('delta')}::integer, updated_at = ${ph('now')}::bigint
      WHERE id = ${ph('variantId')}::text AND stock + ${ph('delta')}::integer >= 0
      RETURNING stock)
    INSERT INTO inventory_movement
      (variant_id, delta, stock_after, reason, note, actor_id, order_id, created_at)
    SELECT ${ph('variantId')}::text, ${ph('delta')}::integer, stock, ${ph('reason')}::text,
      ${ph('note')}::text, ${ph('actorId')}::text, ${ph('orderId')}::text, ${ph('now')}::bigint
    FROM updated
    RETURNING stock_after`,
);

/** The catalog area's queries on PostgreSQL (on the pool, or on one transaction). */
export function postgresCatalog(db: PgExecutor): CatalogStore {
  // Built on first use: the product page's two queries are named prepared statements.
  const productQuery = (by: 'slug' | 'id') =>
    db
      .select({
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
      })
      .from(product)
      .leftJoin(category, eq(category.id, product.categoryId))
      .where(eq(by === 'slug' ? product.slug : product.id, sql.placeholder('key')))
      .prepare(`catalog_product_by_${by}`);
  const variantsQuery = () =>
    db
      .select(variantColumns)
      .from(variant)
      .where(eq(variant.productId, sql.placeholder('productId')))
      .orderBy(asc(variant.position), asc(variant.createdAt))
      .prepare('catalog_variants_of_product');
  const productBySlug = onFirstUse(() => productQuery('slug'));
  const productById = onFirstUse(() => productQuery('id'));
  const variantsOf = onFirstUse(variantsQuery);

  return {
    listCards: (query) => cardRows(db, query),

    categorySubtreeIds: async (slug) => {
      const result = await db.execute<{ id: string }>(sql`
        WITH RECURSIVE subtree(id) AS (
          SELECT id FROM category WHERE slug = ${slug}
          UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
        ) SELECT id FROM subtree`);
      return result.rows.map((r) => r.id);
    },

    isInSubtree: async (rootId, candidateId) => {
      const result = await db.execute(sql`
        WITH RECURSIVE subtree(id) AS (
          SELECT ${rootId}::text UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
        ) SELECT id FROM subtree WHERE id = ${candidateId}`);
      return result.rows.length > 0;
    },

    findProduct: async (by) => {
      const rows =
        'slug' in by
          ? await productBySlug().execute({ key: by.slug })
          : await productById().execute({ key: by.id });
      const row = rows[0];
      if (!row) return null;
      return { ...row, category: row.category?.id ? row.category : null };
    },

    variantsOf: async (productId): Promise<VariantRow[]> => {
      return variantsOf().execute({ productId });
    },

    variantById: async (id) => {
      const [row] = await db
        .select({ ...variantColumns, productId: variant.productId })
        .from(variant)
        .where(eq(variant.id, id));
      return row ?? null;
    },

    categories: async (): Promise<CategoryRow[]> =>
      // COLLATE "C": byte order, as SQLite's BINARY collation sorts names.
      db
        .select({ id: category.id, slug: category.slug, name: category.name, parentId: category.parentId })
        .from(category)
        .orderBy(sql`${category.name} COLLATE "C"`),

    activeProductCounts: async () =>
      db
        .select({ categoryId: sql<string>`${product.categoryId}`, count: count() })
        .from(product)
        .where(and(eq(product.status, 'active'), sql`${product.categoryId} IS NOT NULL`))
        .groupBy(product.categoryId),

    catalogSize: async () => {
      const [categories] = await db.select({ n: count() }).from(category);
      const [products] = await db.select({ n: count() }).from(product);
      return { categories: categories?.n ?? 0, products: products?.n ?? 0 };
    },

    categoryIdBySlug: async (slug) => {
      const [row] = await db.select({ id: category.id }).from(category).where(eq(category.slug, slug));
      return row?.id ?? null;
    },

    categoryExists: async (id) => {
      const rows = await db.select({ id: category.id }).from(category).where(eq(category.id, id));
      return rows.length > 0;
    },

    categoryContents: async (id) => {
      const [products] = await db.select({ n: count() }).from(product).where(eq(product.categoryId, id));
      const [children] = await db.select({ n: count() }).from(category).where(eq(category.parentId, id));
      return { products: products?.n ?? 0, children: children?.n ?? 0 };
    },

    insertCategory: (row) =>
      unlessDuplicate(() => db.insert(category).values({ ...row, updatedAt: row.createdAt })),

    updateCategory: (id, fields, now) =>
      unlessDuplicate(() =>
        db
          .update(category)
          .set({ ...fields, updatedAt: now })
          .where(eq(category.id, id)),
      ),

    deleteCategory: async (id) => {
      await db.delete(category).where(eq(category.id, id));
    },

    productIdBySlug: async (slug) => {
      const [row] = await db.select({ id: product.id }).from(product).where(eq(product.slug, slug));
      return row?.id ?? null;
    },

    productStatus: async (id): Promise<ProductStatus | null> => {
      const [row] = await db.select({ status: product.status }).from(product).where(eq(product.id, id));
      return row?.status ?? null;
    },

    insertProduct: (row) =>
      unlessDuplicate(() => db.insert(product).values({ ...row, updatedAt: row.createdAt })),

    updateProduct: (id, fields, now) =>
      unlessDuplicate(() =>
        db
          .update(product)
          .set({ ...fields, updatedAt: now })
          .where(eq(product.id, id)),
      ),

    variantIdBySku: async (sku) => {
      const [row] = await db.select({ id: variant.id }).from(variant).where(eq(variant.sku, sku));
      return row?.id ?? null;
    },

    variantCount: async (productId) => {
      const [row] = await db.select({ n: count() }).from(variant).where(eq(variant.productId, productId));
      return row?.n ?? 0;
    },

    insertVariant: (row) =>
      unlessDuplicate(() => db.insert(variant).values({ ...row, stock: 0, updatedAt: row.createdAt })),

    updateVariant: async (id, fields, now) => {
      await db
        .update(variant)
        .set({ ...fields, updatedAt: now })
        .where(eq(variant.id, id));
    },

    // One statement: the conditional update and its ledger row (none when the update took nothing).
    changeStock: async (change) => {
      const result = await changeStockStatement(db, {
        variantId: change.variantId,
        delta: change.delta,
        reason: change.reason,
        note: change.note ?? null,
        actorId: change.actorId ?? null,
        orderId: change.orderId ?? null,
        now: change.now,
      });
      return result.rows[0]?.stock_after ?? null;
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
        .orderBy(variant.stock, sql`${variant.sku} COLLATE "C"`)
        .limit(limit),

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
        .limit(limit),

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
        .limit(limit),

    hasReviewed: async (productId, userId) => {
      const rows = await db
        .select({ id: review.id })
        .from(review)
        .where(and(eq(review.productId, productId), eq(review.userId, userId)));
      return rows.length > 0;
    },

    insertReview: (row) => unlessDuplicate(() => db.insert(review).values(row)),

    refreshRating: async (productId) => {
      await db
        .update(product)
        .set({
          ratingAvg: sql`coalesce((SELECT avg(${review.rating}) FROM ${review} WHERE ${review.productId} = ${productId}), 0)`,
          ratingCount: sql`(SELECT count(*) FROM ${review} WHERE ${review.productId} = ${productId})`,
        })
        .where(eq(product.id, productId));
    },

    insertGenerated: (batch) => insertGenerated(db, batch),
  };
}

/**
 * Multi-row inserts: products first (foreign keys are not deferrable here), then their variants,
 * whose triggers set min_price and stock_total and index the SKUs, then the initial ledger rows.
 */
async function insertGenerated(db: PgExecutor, batch: GeneratedBatch) {
  for (const rows of chunks(batch.categories)) {
    await db.insert(category).values(rows.map((row) => ({ ...row, updatedAt: row.createdAt })));
  }
  for (const rows of chunks(batch.products)) {
    await db
      .insert(product)
      .values(
        rows.map(({ minPrice: _min, stockTotal: _stock, ...row }) => ({ ...row, updatedAt: row.createdAt })),
      );
  }
  for (const rows of chunks(batch.variants)) {
    await db.insert(variant).values(rows.map((row) => ({ ...row, updatedAt: row.createdAt })));
  }
  const movements = batch.variants
    .filter((row) => row.stock > 0)
    .map((row) => ({
      variantId: row.id,
      delta: row.stock,
      stockAfter: row.stock,
      reason: 'initial' as const,
      createdAt: row.createdAt,
    }));
  for (const rows of chunks(movements)) await db.insert(inventoryMovement).values(rows);
}
