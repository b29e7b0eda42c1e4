/** Reviews on the engine (async; the same rules and errors as the legacy reviews.ts). */
import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { ReviewRow } from '../../../db/stores/catalog.js';
import type { Stores } from '../../../db/stores/index.js';
import type { reviewCreateInput } from '../../../shared/schemas/index.js';
import type { SessionUser } from '../../auth/sessions.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { cursorKeys, toPage } from '../paging.js';

function toReview(row: ReviewRow) {
  return {
    id: row.id,
    productId: row.productId,
    rating: row.rating,
    title: row.title,
    body: row.body,
    authorName: row.authorName,
    // Only buyers can review, so every review is a verified purchase.
    verifiedPurchase: true,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export type Review = ReturnType<typeof toReview>;

/** A product's reviews, newest first. */
export async function listReviews(
  s: Stores,
  input: { productId: string; limit: number; cursor?: string | undefined },
) {
  let before: { createdAt: number; id: string } | undefined;
  if (input.cursor !== undefined) {
    const [createdAt, id] = cursorKeys(input.cursor, 'reviews', ['number', 'string']);
    before = { createdAt: Number(createdAt), id: String(id) };
  }
  const rows = await s.catalog.reviews({ productId: input.productId, before, limit: input.limit + 1 });
  const page = toPage(rows, input.limit, 'reviews', (r) => [r.createdAt, r.id]);
  return { ...page, items: page.items.map(toReview) };
}

const alreadyReviewed = () =>
  new AppError('CONFLICT', 'ALREADY_REVIEWED', 'You have already reviewed this product');

/**
 * A verified buyer's review, stored verbatim (the API never renders HTML), and the product's
 * rating aggregate updated in the same transaction.
 */
export function createReview(
  engine: Engine,
  author: SessionUser,
  input: z.output<typeof reviewCreateInput>,
  now: number,
): Promise<Review> {
  return engine.transaction(async (tx) => {
    if ((await tx.catalog.productStatus(input.productId)) !== 'active')
      throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
    if (!(await tx.orders.hasBought(author.id, input.productId))) {
      throw new AppError(
        'FORBIDDEN',
        'NOT_PURCHASED',
        'Only customers who bought this product can review it',
      );
    }
    if (await tx.catalog.hasReviewed(input.productId, author.id)) throw alreadyReviewed();
    const row: ReviewRow = {
      id: newId(),
      productId: input.productId,
      userId: author.id,
      rating: input.rating,
      title: input.title,
      body: input.body,
      authorName: author.name,
      createdAt: now,
    };
    // A second review sent at the same time lost the race to the unique (product, user) index.
    if (!(await tx.catalog.insertReview(row))) throw alreadyReviewed();
    await tx.catalog.refreshRating(input.productId);
    return toReview(row);
  });
}
