import { count, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { category, product, variant } from '../../../db/sqlite/schema/index.js';
import type {
  categoryCreateInput,
  categoryUpdateInput,
  productCreateInput,
  productUpdateInput,
  variantCreateInput,
  variantUpdateInput,
} from '../../../shared/schemas/index.js';
import { AppError, isUniqueViolation } from '../../errors.js';
import { newId } from '../../ids.js';
import { findProduct, listCategories, variantColumns } from './catalog.js';
import { changeStock } from './inventory.js';

const slugTaken = () => new AppError('CONFLICT', 'SLUG_TAKEN', 'This slug is already in use');
const skuTaken = (sku: string) => new AppError('CONFLICT', 'SKU_TAKEN', `SKU ${sku} is already in use`);
const notFound = (what: string) => new AppError('NOT_FOUND', 'NOT_FOUND', `No such ${what}`);

/** Runs a write in an IMMEDIATE transaction; a unique violation that slipped past a check becomes a conflict. */
function write<T>(db: Executor, work: (tx: Executor) => T): T {
  try {
    return db.transaction((tx) => work(tx), { behavior: 'immediate' });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const message = String((error as Error).message);
    if (message.includes('.sku')) throw skuTaken('');
    if (message.includes('.slug')) throw slugTaken();
    throw error;
  }
}

function categoryView(db: Executor, id: string) {
  const found = listCategories(db).find((c) => c.id === id);
  if (!found) throw notFound('category');
  return found;
}

function assertCategoryExists(tx: Executor, id: string) {
  if (!tx.select({ id: category.id }).from(category).where(eq(category.id, id)).get())
    throw notFound('category');
}

export function createCategory(db: Executor, input: z.output<typeof categoryCreateInput>, now: number) {
  const id = newId();
  write(db, (tx) => {
    if (tx.select({ id: category.id }).from(category).where(eq(category.slug, input.slug)).get())
      throw slugTaken();
    if (input.parentId) assertCategoryExists(tx, input.parentId);
    tx.insert(category)
      .values({
        id,
        slug: input.slug,
        name: input.name,
        parentId: input.parentId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .run();
  });
  return categoryView(db, id);
}

export function updateCategory(db: Executor, input: z.output<typeof categoryUpdateInput>, now: number) {
  write(db, (tx) => {
    assertCategoryExists(tx, input.id);
    if (input.slug !== undefined) {
      const holder = tx.select({ id: category.id }).from(category).where(eq(category.slug, input.slug)).get();
      if (holder && holder.id !== input.id) throw slugTaken();
    }
    if (input.parentId) {
      assertCategoryExists(tx, input.parentId);
      // The new parent may not be the category itself or anything below it.
      const below = tx.all<{ id: string }>(sql`
        WITH RECURSIVE subtree(id) AS (
          SELECT ${input.id} UNION SELECT c.id FROM category c JOIN subtree s ON c.parent_id = s.id
        ) SELECT id FROM subtree WHERE id = ${input.parentId}`);
      if (below.length > 0)
        throw new AppError('BAD_REQUEST', 'INVALID_PARENT', 'A category cannot sit under itself');
    }
    tx.update(category)
      .set({
        ...(input.slug !== undefined && { slug: input.slug }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.parentId !== undefined && { parentId: input.parentId }),
        updatedAt: now,
      })
      .where(eq(category.id, input.id))
      .run();
  });
  return categoryView(db, input.id);
}

/** Deletes an empty category: CONFLICT CATEGORY_NOT_EMPTY while it has products (any status) or children. */
export function deleteCategory(db: Executor, id: string) {
  write(db, (tx) => {
    assertCategoryExists(tx, id);
    const products = tx.select({ n: count() }).from(product).where(eq(product.categoryId, id)).get()?.n ?? 0;
    const children = tx.select({ n: count() }).from(category).where(eq(category.parentId, id)).get()?.n ?? 0;
    if (products > 0 || children > 0) {
      throw new AppError(
        'CONFLICT',
        'CATEGORY_NOT_EMPTY',
        'Move or archive its products and sub-categories first',
      );
    }
    tx.delete(category).where(eq(category.id, id)).run();
  });
  return { ok: true as const };
}

type VariantFields = z.output<typeof variantCreateInput>;

function insertVariant(
  tx: Executor,
  productId: string,
  fields: Omit<VariantFields, 'productId'>,
  position: number,
  actorId: string | null,
  now: number,
) {
  if (tx.select({ id: variant.id }).from(variant).where(eq(variant.sku, fields.sku)).get())
    throw skuTaken(fields.sku);
  const id = newId();
  tx.insert(variant)
    .values({
      id,
      productId,
      sku: fields.sku,
      name: fields.name,
      price: fields.price,
      compareAtPrice: fields.compareAtPrice ?? null,
      stock: 0,
      weightGrams: fields.weightGrams ?? 0,
      position,
      createdAt: now,
      updatedAt: now,
    })
    .run();
  // Initial stock goes through the ledger like every other change.
  if (fields.stock > 0)
    changeStock(tx, { variantId: id, delta: fields.stock, reason: 'initial', actorId, now });
  return id;
}

function adminProduct(db: Executor, id: string) {
  const found = findProduct(db, { id }, { activeOnly: false });
  if (!found) throw notFound('product');
  return found;
}

export function createProduct(
  db: Executor,
  input: z.output<typeof productCreateInput>,
  actorId: string | null,
  now: number,
) {
  const id = newId();
  write(db, (tx) => {
    if (tx.select({ id: product.id }).from(product).where(eq(product.slug, input.slug)).get())
      throw slugTaken();
    if (input.categoryId) assertCategoryExists(tx, input.categoryId);
    const skus = input.variants.map((v) => v.sku);
    const repeated = skus.find((sku, i) => skus.indexOf(sku) !== i);
    if (repeated) throw skuTaken(repeated);
    tx.insert(product)
      .values({
        id,
        slug: input.slug,
        name: input.name,
        description: input.description,
        categoryId: input.categoryId ?? null,
        status: input.status ?? 'active',
        images: JSON.stringify(input.images ?? []),
        createdAt: now,
        updatedAt: now,
      })
      .run();
    input.variants.forEach((fields, position) => {
      insertVariant(tx, id, fields, position, actorId, now);
    });
  });
  return adminProduct(db, id);
}

export function updateProduct(db: Executor, input: z.output<typeof productUpdateInput>, now: number) {
  write(db, (tx) => {
    if (!tx.select({ id: product.id }).from(product).where(eq(product.id, input.id)).get())
      throw notFound('product');
    if (input.slug !== undefined) {
      const holder = tx.select({ id: product.id }).from(product).where(eq(product.slug, input.slug)).get();
      if (holder && holder.id !== input.id) throw slugTaken();
    }
    if (input.categoryId) assertCategoryExists(tx, input.categoryId);
    tx.update(product)
      .set({
        ...(input.slug !== undefined && { slug: input.slug }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.categoryId !== undefined && { categoryId: input.categoryId }),
        ...(input.images !== undefined && { images: JSON.stringify(input.images) }),
        ...(input.status !== undefined && { status: input.status }),
        updatedAt: now,
      })
      .where(eq(product.id, input.id))
      .run();
  });
  return adminProduct(db, input.id);
}

export function archiveProduct(db: Executor, id: string, now: number) {
  return updateProduct(db, { id, status: 'archived' }, now);
}

const variantOutput = { ...variantColumns, productId: variant.productId };

function variantView(db: Executor, id: string) {
  const found = db.select(variantOutput).from(variant).where(eq(variant.id, id)).get();
  if (!found) throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such variant');
  return found;
}

export function createVariant(db: Executor, input: VariantFields, actorId: string, now: number) {
  const id = write(db, (tx) => {
    if (!tx.select({ id: product.id }).from(product).where(eq(product.id, input.productId)).get())
      throw notFound('product');
    const position =
      tx.select({ n: count() }).from(variant).where(eq(variant.productId, input.productId)).get()?.n ?? 0;
    return insertVariant(tx, input.productId, input, position, actorId, now);
  });
  return variantView(db, id);
}

export function updateVariant(db: Executor, input: z.output<typeof variantUpdateInput>, now: number) {
  write(db, (tx) => {
    variantView(tx, input.id);
    tx.update(variant)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.price !== undefined && { price: input.price }),
        ...(input.compareAtPrice !== undefined && { compareAtPrice: input.compareAtPrice }),
        ...(input.weightGrams !== undefined && { weightGrams: input.weightGrams }),
        updatedAt: now,
      })
      .where(eq(variant.id, input.id))
      .run();
  });
  return variantView(db, input.id);
}
