import { desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../db/client.js';
import { discount } from '../../db/schema/index.js';
import type { discountCreateInput } from '../../shared/schemas/index.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';

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
