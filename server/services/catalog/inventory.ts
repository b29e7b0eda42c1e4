import { and, desc, eq, gte, lt, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { inventoryMovement, product, variant } from '../../../db/sqlite/schema/index.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';

export type MovementReason = 'initial' | 'adjustment' | 'order' | 'cancellation' | 'expiry';

export interface StockChange {
  variantId: string;
  delta: number;
  reason: MovementReason;
  note?: string | null;
  actorId?: string | null;
  orderId?: string | null;
  now: number;
}

/**
 * The one way stock changes: a conditional UPDATE that never goes below zero, and its ledger row.
 * Call it inside the transaction of the change it belongs to. Returns the new stock, or null when
 * the variant has too little stock (nothing is changed then).
 */
export function changeStock(tx: Executor, change: StockChange): number | null {
  const updated = preparedQuery(tx, 'stock-change', stockUpdateQuery).get({
    variantId: change.variantId,
    delta: change.delta,
    now: change.now,
  });
  if (!updated) return null;
  preparedQuery(tx, 'stock-ledger-row', ledgerInsertQuery).run({
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
}

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

/** An admin's stock correction. NOT_FOUND VARIANT_NOT_FOUND; CONFLICT INSUFFICIENT_STOCK below zero. */
export function adjustStock(
  db: Executor,
  input: { variantId: string; delta: number; reason: string },
  actorId: string,
  now: number,
) {
  return db.transaction(
    (tx) => {
      const stock = changeStock(tx, {
        variantId: input.variantId,
        delta: input.delta,
        reason: 'adjustment',
        note: input.reason,
        actorId,
        now,
      });
      if (stock !== null) return { variantId: input.variantId, stock };
      const exists = tx.select({ id: variant.id }).from(variant).where(eq(variant.id, input.variantId)).get();
      if (!exists) throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such variant');
      throw new AppError('CONFLICT', 'INSUFFICIENT_STOCK', 'Stock cannot go below zero');
    },
    { behavior: 'immediate' },
  );
}

/** Variants of products that are not archived with stock at or under the threshold, lowest first. */
export function lowStock(db: Executor, input: { threshold: number; limit: number }) {
  return db
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
    .where(and(lte(variant.stock, input.threshold), ne(product.status, 'archived')))
    .orderBy(variant.stock, variant.sku)
    .limit(input.limit)
    .all();
}

/** A variant's ledger, newest first. */
export function ledger(
  db: Executor,
  input: { variantId: string; limit: number; cursor?: string | undefined },
) {
  const conditions = [eq(inventoryMovement.variantId, input.variantId)];
  if (input.cursor !== undefined) {
    conditions.push(lt(inventoryMovement.id, cursorKeys(input.cursor, 'ledger', ['number'])[0] as number));
  }
  const rows = db
    .select()
    .from(inventoryMovement)
    .where(and(...conditions))
    .orderBy(desc(inventoryMovement.id))
    .limit(input.limit + 1)
    .all();
  const page = toPage(rows, input.limit, 'ledger', (r) => [r.id]);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      id: String(r.id),
      variantId: r.variantId,
      delta: r.delta,
      stockAfter: r.stockAfter,
      reason: r.reason,
      note: r.note,
      actorId: r.actorId,
      orderId: r.orderId,
      createdAt: new Date(r.createdAt).toISOString(),
    })),
  };
}
