/**
 * The admin's catalogue writes over the engine (async; the same rules and errors as the legacy
 * synchronous catalog-admin.ts). Each write is one `engine.transaction`; the `…In(tx, …)` forms
 * join a transaction the caller already holds (the demo store builds the whole catalogue in one).
 */
import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type {
  categoryCreateInput,
  categoryUpdateInput,
  productCreateInput,
  productUpdateInput,
  variantCreateInput,
  variantUpdateInput,
} from '../../../shared/schemas/index.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { findProduct, listCategories } from './products.js';

const slugTaken = () => new AppError('CONFLICT', 'SLUG_TAKEN', 'This slug is already in use');
const skuTaken = (sku: string) => new AppError('CONFLICT', 'SKU_TAKEN', `SKU ${sku} is already in use`);
const notFound = (what: string) => new AppError('NOT_FOUND', 'NOT_FOUND', `No such ${what}`);

async function categoryView(s: Stores, id: string) {
  const found = (await listCategories(s)).find((c) => c.id === id);
  if (!found) throw notFound('category');
  return found;
}

async function assertCategoryExists(tx: Stores, id: string) {
  if (!(await tx.catalog.categoryExists(id))) throw notFound('category');
}

export async function createCategoryIn(
  tx: Stores,
  input: z.output<typeof categoryCreateInput>,
  now: number,
): Promise<string> {
  if ((await tx.catalog.categoryIdBySlug(input.slug)) !== null) throw slugTaken();
  if (input.parentId) await assertCategoryExists(tx, input.parentId);
  const id = newId();
  const inserted = await tx.catalog.insertCategory({
    id,
    slug: input.slug,
    name: input.name,
    parentId: input.parentId ?? null,
    createdAt: now,
  });
  // A concurrent create took the slug between the check and the insert.
  if (!inserted) throw slugTaken();
  return id;
}

export async function createCategory(
  engine: Engine,
  input: z.output<typeof categoryCreateInput>,
  now: number,
) {
  const id = await engine.transaction((tx) => createCategoryIn(tx, input, now));
  return categoryView(engine.read, id);
}

export async function updateCategory(
  engine: Engine,
  input: z.output<typeof categoryUpdateInput>,
  now: number,
) {
  await engine.transaction(async (tx) => {
    await assertCategoryExists(tx, input.id);
    if (input.slug !== undefined) {
      const holder = await tx.catalog.categoryIdBySlug(input.slug);
      if (holder !== null && holder !== input.id) throw slugTaken();
    }
    if (input.parentId) {
      await assertCategoryExists(tx, input.parentId);
      // The new parent may not be the category itself or anything below it.
      if (await tx.catalog.isInSubtree(input.id, input.parentId))
        throw new AppError('BAD_REQUEST', 'INVALID_PARENT', 'A category cannot sit under itself');
    }
    const changes = { slug: input.slug, name: input.name, parentId: input.parentId };
    if (!(await tx.catalog.updateCategory(input.id, changes, now))) throw slugTaken();
  });
  return categoryView(engine.read, input.id);
}

/** Deletes an empty category: CONFLICT CATEGORY_NOT_EMPTY while it has products (any status) or children. */
export async function deleteCategory(engine: Engine, id: string) {
  await engine.transaction(async (tx) => {
    await assertCategoryExists(tx, id);
    const { products, children } = await tx.catalog.categoryContents(id);
    if (products > 0 || children > 0) {
      throw new AppError(
        'CONFLICT',
        'CATEGORY_NOT_EMPTY',
        'Move or archive its products and sub-categories first',
      );
    }
    await tx.catalog.deleteCategory(id);
  });
  return { ok: true as const };
}

type VariantFields = z.output<typeof variantCreateInput>;

async function insertVariant(
  tx: Stores,
  productId: string,
  fields: Omit<VariantFields, 'productId'>,
  position: number,
  actorId: string | null,
  now: number,
) {
  if ((await tx.catalog.variantIdBySku(fields.sku)) !== null) throw skuTaken(fields.sku);
  const id = newId();
  const inserted = await tx.catalog.insertVariant({
    id,
    productId,
    sku: fields.sku,
    name: fields.name,
    price: fields.price,
    compareAtPrice: fields.compareAtPrice ?? null,
    weightGrams: fields.weightGrams ?? 0,
    position,
    createdAt: now,
  });
  if (!inserted) throw skuTaken(fields.sku);
  // Initial stock goes through the ledger like every other change.
  if (fields.stock > 0)
    await tx.catalog.changeStock({ variantId: id, delta: fields.stock, reason: 'initial', actorId, now });
  return id;
}

async function adminProduct(s: Stores, id: string) {
  const found = await findProduct(s, { id }, { activeOnly: false });
  if (!found) throw notFound('product');
  return found;
}

export async function createProductIn(
  tx: Stores,
  input: z.output<typeof productCreateInput>,
  actorId: string | null,
  now: number,
): Promise<string> {
  if ((await tx.catalog.productIdBySlug(input.slug)) !== null) throw slugTaken();
  if (input.categoryId) await assertCategoryExists(tx, input.categoryId);
  const skus = input.variants.map((v) => v.sku);
  const repeated = skus.find((sku, i) => skus.indexOf(sku) !== i);
  if (repeated) throw skuTaken(repeated);
  const id = newId();
  const inserted = await tx.catalog.insertProduct({
    id,
    slug: input.slug,
    name: input.name,
    description: input.description,
    categoryId: input.categoryId ?? null,
    status: input.status ?? 'active',
    images: JSON.stringify(input.images ?? []),
    createdAt: now,
  });
  if (!inserted) throw slugTaken();
  for (const [position, fields] of input.variants.entries()) {
    await insertVariant(tx, id, fields, position, actorId, now);
  }
  return id;
}

export async function createProduct(
  engine: Engine,
  input: z.output<typeof productCreateInput>,
  actorId: string | null,
  now: number,
) {
  const id = await engine.transaction((tx) => createProductIn(tx, input, actorId, now));
  return adminProduct(engine.read, id);
}

export async function updateProduct(engine: Engine, input: z.output<typeof productUpdateInput>, now: number) {
  await engine.transaction(async (tx) => {
    if ((await tx.catalog.productStatus(input.id)) === null) throw notFound('product');
    if (input.slug !== undefined) {
      const holder = await tx.catalog.productIdBySlug(input.slug);
      if (holder !== null && holder !== input.id) throw slugTaken();
    }
    if (input.categoryId) await assertCategoryExists(tx, input.categoryId);
    const updated = await tx.catalog.updateProduct(
      input.id,
      {
        slug: input.slug,
        name: input.name,
        description: input.description,
        categoryId: input.categoryId,
        images: input.images === undefined ? undefined : JSON.stringify(input.images),
        status: input.status,
      },
      now,
    );
    if (!updated) throw slugTaken();
  });
  return adminProduct(engine.read, input.id);
}

export function archiveProduct(engine: Engine, id: string, now: number) {
  return updateProduct(engine, { id, status: 'archived' }, now);
}

async function variantView(s: Stores, id: string) {
  const found = await s.catalog.variantById(id);
  if (!found) throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such variant');
  return found;
}

export async function createVariant(engine: Engine, input: VariantFields, actorId: string, now: number) {
  const id = await engine.transaction(async (tx) => {
    if ((await tx.catalog.productStatus(input.productId)) === null) throw notFound('product');
    const position = await tx.catalog.variantCount(input.productId);
    return insertVariant(tx, input.productId, input, position, actorId, now);
  });
  return variantView(engine.read, id);
}

export async function updateVariant(engine: Engine, input: z.output<typeof variantUpdateInput>, now: number) {
  await engine.transaction(async (tx) => {
    await variantView(tx, input.id);
    await tx.catalog.updateVariant(
      input.id,
      {
        name: input.name,
        price: input.price,
        compareAtPrice: input.compareAtPrice,
        weightGrams: input.weightGrams,
      },
      now,
    );
  });
  return variantView(engine.read, input.id);
}
