/** Stock on the engine (async): the admin's corrections, the low-stock list, a variant's ledger. */
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import { AppError } from '../../errors.js';
import { stockEvent } from '../live/live-events.js';
import { cursorKeys, toPage } from '../paging.js';

/** An admin's stock correction. NOT_FOUND VARIANT_NOT_FOUND; CONFLICT INSUFFICIENT_STOCK below zero. */
export function adjustStock(
  engine: Engine,
  input: { variantId: string; delta: number; reason: string },
  actorId: string,
  now: number,
) {
  return engine.transaction(async (tx) => {
    const stock = await tx.catalog.changeStock({
      variantId: input.variantId,
      delta: input.delta,
      reason: 'adjustment',
      note: input.reason,
      actorId,
      now,
    });
    const variant = await tx.catalog.variantById(input.variantId);
    if (!variant) throw new AppError('NOT_FOUND', 'VARIANT_NOT_FOUND', 'No such variant');
    if (stock !== null) {
      const level = { productId: variant.productId, variantId: variant.id, available: stock };
      await tx.live.append([stockEvent(level)], now);
      return { variantId: input.variantId, stock };
    }
    throw new AppError('CONFLICT', 'INSUFFICIENT_STOCK', 'Stock cannot go below zero');
  });
}

/** Variants of products that are not archived with stock at or under the threshold, lowest first. */
export function lowStock(s: Stores, input: { threshold: number; limit: number }) {
  return s.catalog.lowStock(input);
}

/** A variant's ledger, newest first. */
export async function ledger(
  s: Stores,
  input: { variantId: string; limit: number; cursor?: string | undefined },
) {
  const beforeId =
    input.cursor === undefined ? undefined : Number(cursorKeys(input.cursor, 'ledger', ['number'])[0]);
  const rows = await s.catalog.ledger({ variantId: input.variantId, beforeId, limit: input.limit + 1 });
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
