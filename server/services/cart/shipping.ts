import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { shippingOption, taxRate } from '../../../db/sqlite/schema/index.js';
import type { shippingCreateInput, shippingUpdateInput } from '../../../shared/schemas/index.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { type ShippingOptionRow, shippingOptionRows } from '../orders/checkout.js';

function toAdminOption(row: ShippingOptionRow) {
  return {
    id: row.id,
    name: row.name,
    price: row.price,
    freeOverSubtotal: row.freeOverSubtotal,
    estimatedDays: { min: row.minDays, max: row.maxDays },
    countries: row.countries,
  };
}

const unique = (countries: string[]) => [...new Set(countries)].sort();

export function createShippingOption(db: Executor, input: z.output<typeof shippingCreateInput>, now: number) {
  const id = newId();
  db.insert(shippingOption)
    .values({
      id,
      name: input.name,
      countries: JSON.stringify(unique(input.countries)),
      price: input.price,
      freeOverSubtotal: input.freeOverSubtotal ?? null,
      minDays: input.minDays,
      maxDays: input.maxDays,
      createdAt: now,
    })
    .run();
  return getShippingOption(db, id);
}

export function getShippingOption(db: Executor, id: string) {
  const found = shippingOptionRows(db).find((o) => o.id === id);
  if (!found) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such shipping option');
  return toAdminOption(found);
}

export function listShippingOptions(db: Executor) {
  return shippingOptionRows(db).map(toAdminOption);
}

export function updateShippingOption(db: Executor, input: z.output<typeof shippingUpdateInput>) {
  return db.transaction(
    (tx) => {
      const current = getShippingOption(tx, input.id);
      const minDays = input.minDays ?? current.estimatedDays.min;
      const maxDays = input.maxDays ?? current.estimatedDays.max;
      if (minDays > maxDays) {
        throw new AppError('BAD_REQUEST', 'INVALID_INPUT', 'maxDays is before minDays');
      }
      tx.update(shippingOption)
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.countries !== undefined && { countries: JSON.stringify(unique(input.countries)) }),
          ...(input.price !== undefined && { price: input.price }),
          ...(input.freeOverSubtotal !== undefined && { freeOverSubtotal: input.freeOverSubtotal }),
          minDays,
          maxDays,
        })
        .where(eq(shippingOption.id, input.id))
        .run();
      return getShippingOption(tx, input.id);
    },
    { behavior: 'immediate' },
  );
}

/** Deletes an option; orders keep their own snapshot of its name and price. */
export function deleteShippingOption(db: Executor, id: string) {
  const deleted = db.delete(shippingOption).where(eq(shippingOption.id, id)).run();
  if (deleted.changes === 0) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such shipping option');
  return { ok: true as const };
}

export function setTaxRate(db: Executor, input: { country: string; rateBps: number }, now: number) {
  db.insert(taxRate)
    .values({ country: input.country, rateBps: input.rateBps, updatedAt: now })
    .onConflictDoUpdate({ target: taxRate.country, set: { rateBps: input.rateBps, updatedAt: now } })
    .run();
  return { country: input.country, rateBps: input.rateBps };
}

export function listTaxRates(db: Executor) {
  return db
    .select({ country: taxRate.country, rateBps: taxRate.rateBps })
    .from(taxRate)
    .orderBy(taxRate.country)
    .all();
}
