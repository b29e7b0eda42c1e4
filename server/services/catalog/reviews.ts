import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { product, review } from '../../../db/sqlite/schema/index.js';
import type { reviewCreateInput } from '../../../shared/schemas/index.js';
import type { SessionUser } from '../../auth/sessions.js';
import { AppError, isUniqueViolation } from '../../errors.js';
import { newId } from '../../ids.js';
import { hasBought } from '../orders/orders.js';
import { cursorKeys, toPage } from '../paging.js';

function toReview(row: typeof review.$inferSelect) {
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
export function listReviews(
  db: Executor,
  input: { productId: string; limit: number; cursor?: string | undefined },
) {
  const conditions = [eq(review.productId, input.productId)];
  if (input.cursor !== undefined) {
    const [at, id] = cursorKeys(input.cursor, 'reviews', ['number', 'string']) as [number, string];
    const older = or(lt(review.createdAt, at), and(eq(review.createdAt, at), lt(review.id, id)));
    if (older) conditions.push(older);
  }
  const rows = db
    .select()
    .from(review)
    .where(and(...conditions))
    .orderBy(desc(review.createdAt), desc(review.id))
    .limit(input.limit + 1)
    .all();
  const page = toPage(rows, input.limit, 'reviews', (r) => [r.createdAt, r.id]);
  return { ...page, items: page.items.map(toReview) };
}

/**
 * A verified buyer's review, stored verbatim (the API never renders HTML), and the product's
 * rating aggregate updated in the same transaction.
 */
export function createReview(
  db: Executor,
  author: SessionUser,
  input: z.output<typeof reviewCreateInput>,
  now: number,
): Review {
  const alreadyReviewed = () =>
    new AppError('CONFLICT', 'ALREADY_REVIEWED', 'You have already reviewed this product');
  try {
    return db.transaction(
      (tx) => {
        const target = tx
          .select({ status: product.status })
          .from(product)
          .where(eq(product.id, input.productId))
          .get();
        if (target?.status !== 'active') throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such product');
        if (!hasBought(tx, author.id, input.productId)) {
          throw new AppError(
            'FORBIDDEN',
            'NOT_PURCHASED',
            'Only customers who bought this product can review it',
          );
        }
        const existing = tx
          .select({ id: review.id })
          .from(review)
          .where(and(eq(review.productId, input.productId), eq(review.userId, author.id)))
          .get();
        if (existing) throw alreadyReviewed();
        const row = {
          id: newId(),
          productId: input.productId,
          userId: author.id,
          rating: input.rating,
          title: input.title,
          body: input.body,
          authorName: author.name,
          createdAt: now,
        };
        tx.insert(review).values(row).run();
        tx.update(product)
          .set({
            ratingAvg: sql`(SELECT avg(${review.rating}) FROM ${review} WHERE ${review.productId} = ${input.productId})`,
            ratingCount: sql`(SELECT count(*) FROM ${review} WHERE ${review.productId} = ${input.productId})`,
          })
          .where(eq(product.id, input.productId))
          .run();
        return toReview(row);
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyReviewed();
    throw error;
  }
}
