import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { discount, discountRedemption } from '../../../db/sqlite/schema/index.js';
import type { discountCreateInput } from '../../../shared/schemas/index.js';
import { type DiscountProblem, evaluateDiscount } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDiscount(row: typeof discount.$inferSelect) {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    value: row.value,
    minSubtotal: row.minSubtotal,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    maxRedemptions: row.maxRedemptions,
    oncePerCustomer: row.oncePerCustomer,
    redemptions: row.redemptions,
    active: row.active,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export function createDiscount(db: Executor, input: z.output<typeof discountCreateInput>, now: number) {
  return db.transaction(
    (tx) => {
      if (tx.select({ id: discount.id }).from(discount).where(eq(discount.code, input.code)).get()) {
        throw new AppError('CONFLICT', 'DISCOUNT_CODE_TAKEN', 'This code already exists');
      }
      const row = {
        id: newId(),
        code: input.code,
        kind: input.kind,
        value: input.value,
        minSubtotal: input.minSubtotal ?? 0,
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        maxRedemptions: input.maxRedemptions ?? null,
        oncePerCustomer: input.oncePerCustomer ?? false,
        redemptions: 0,
        active: true,
        createdAt: now,
      };
      tx.insert(discount).values(row).run();
      return toDiscount(row);
    },
    { behavior: 'immediate' },
  );
}

export function listDiscounts(db: Executor) {
  return db.select().from(discount).orderBy(desc(discount.createdAt)).all().map(toDiscount);
}

export function deactivateDiscount(db: Executor, id: string) {
  const row = db.update(discount).set({ active: false }).where(eq(discount.id, id)).returning().get();
  if (!row) throw new AppError('NOT_FOUND', 'DISCOUNT_NOT_FOUND', 'No such discount');
  return toDiscount(row);
}

export type CartDiscount =
  | { id: string; code: string; ok: true; amount: number }
  | { id: string; code: string; ok: false; reason: DiscountProblem };

const discountRuleQuery = (db: Executor) =>
  db
    .select({
      id: discount.id,
      code: discount.code,
      kind: discount.kind,
      value: discount.value,
      minSubtotal: discount.minSubtotal,
      startsAt: discount.startsAt,
      endsAt: discount.endsAt,
      maxRedemptions: discount.maxRedemptions,
      redemptions: discount.redemptions,
      oncePerCustomer: discount.oncePerCustomer,
      active: discount.active,
    })
    .from(discount)
    .where(eq(discount.id, sql.placeholder('id')))
    .prepare();

const discountUsedQuery = (db: Executor) =>
  db
    .select({ orderId: discountRedemption.orderId })
    .from(discountRedemption)
    .where(
      and(
        eq(discountRedemption.discountId, sql.placeholder('discountId')),
        eq(discountRedemption.userId, sql.placeholder('userId')),
      ),
    )
    .prepare();

/** Whether a discount holds for this subtotal now (and for this customer, when known). */
export function checkDiscount(
  db: Executor,
  discountId: string,
  facts: { subtotal: number; now: number; userId: string | null },
): CartDiscount | null {
  const rule = preparedQuery(db, 'discount-rule', discountRuleQuery).get({ id: discountId });
  if (!rule) return null;
  const usedByCustomer =
    rule.oncePerCustomer && facts.userId !== null
      ? preparedQuery(db, 'discount-used-by', discountUsedQuery).get({
          discountId: rule.id,
          userId: facts.userId,
        }) !== undefined
      : false;
  const result = evaluateDiscount(rule, { subtotal: facts.subtotal, now: facts.now, usedByCustomer });
  return { id: rule.id, code: rule.code, ...result };
}

const DISCOUNT_MESSAGES: Record<DiscountProblem, string> = {
  DISCOUNT_EXPIRED: 'This code is not valid at the moment',
  DISCOUNT_EXHAUSTED: 'This code has been used up',
  DISCOUNT_MIN_SUBTOTAL: 'The cart is below the minimum for this code',
};

export function discountError(reason: DiscountProblem): AppError {
  return new AppError('BAD_REQUEST', reason, DISCOUNT_MESSAGES[reason]);
}
