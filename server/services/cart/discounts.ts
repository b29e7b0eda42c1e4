import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { DiscountRecord, DiscountRule } from '../../../db/stores/cart.js';
import type { Stores } from '../../../db/stores/index.js';
import type { discountCreateInput } from '../../../shared/schemas/index.js';
import { type DiscountProblem, evaluateDiscount } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDiscount(row: DiscountRecord) {
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

type DiscountInput = z.output<typeof discountCreateInput>;

export function newDiscount(input: DiscountInput, now: number): DiscountRecord {
  return {
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
}

const codeTaken = () => new AppError('CONFLICT', 'DISCOUNT_CODE_TAKEN', 'This code already exists');

/** Creates a code; refuses one that exists (the unique code decides, also between concurrent admins). */
export async function addDiscount(engine: Engine, input: DiscountInput, now: number) {
  const row = newDiscount(input, now);
  const inserted = await engine.transaction((tx) => tx.cart.insertDiscount(row));
  if (!inserted) throw codeTaken();
  return toDiscount(row);
}

/** Every code, newest first. */
export async function discountList(s: Stores) {
  return (await s.cart.discounts()).map(toDiscount);
}

export async function endDiscount(engine: Engine, id: string) {
  const row = await engine.transaction((tx) => tx.cart.deactivateDiscount(id));
  if (!row) throw new AppError('NOT_FOUND', 'DISCOUNT_NOT_FOUND', 'No such discount');
  return toDiscount(row);
}

export type CartDiscount =
  | { id: string; code: string; ok: true; amount: number }
  | { id: string; code: string; ok: false; reason: DiscountProblem };

function judge(rule: DiscountRule, usedByCustomer: boolean, facts: { subtotal: number; now: number }) {
  const result = evaluateDiscount(rule, { subtotal: facts.subtotal, now: facts.now, usedByCustomer });
  return { id: rule.id, code: rule.code, ...result };
}

/** Whether a discount holds for this subtotal now (and for this customer, when known); null: no such code. */
export async function discountFor(
  s: Stores,
  discountId: string,
  facts: { subtotal: number; now: number; userId: string | null },
): Promise<CartDiscount | null> {
  const rule = await s.cart.discountRule(discountId);
  if (!rule) return null;
  const usedByCustomer =
    rule.oncePerCustomer && facts.userId !== null
      ? await s.cart.discountUsedBy(rule.id, facts.userId)
      : false;
  return judge(rule, usedByCustomer, facts);
}

const DISCOUNT_MESSAGES: Record<DiscountProblem, string> = {
  DISCOUNT_EXPIRED: 'This code is not valid at the moment',
  DISCOUNT_EXHAUSTED: 'This code has been used up',
  DISCOUNT_MIN_SUBTOTAL: 'The cart is below the minimum for this code',
};

export function discountError(reason: DiscountProblem): AppError {
  return new AppError('BAD_REQUEST', reason, DISCOUNT_MESSAGES[reason]);
}
