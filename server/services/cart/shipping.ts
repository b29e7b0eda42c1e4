import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { ShippingOptionRecord } from '../../../db/stores/cart.js';
import type { Stores } from '../../../db/stores/index.js';
import type { shippingCreateInput, shippingUpdateInput } from '../../../shared/schemas/index.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';

function toAdminOption(row: ShippingOptionRecord) {
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
const noSuchOption = () => new AppError('NOT_FOUND', 'NOT_FOUND', 'No such shipping option');

type ShippingInput = z.output<typeof shippingCreateInput>;

export function newShippingOption(input: ShippingInput): ShippingOptionRecord {
  return {
    id: newId(),
    name: input.name,
    countries: unique(input.countries),
    price: input.price,
    freeOverSubtotal: input.freeOverSubtotal ?? null,
    minDays: input.minDays,
    maxDays: input.maxDays,
  };
}

export async function addShippingOption(engine: Engine, input: ShippingInput, now: number) {
  const option = newShippingOption(input);
  await engine.transaction((tx) => tx.cart.insertShippingOption(option, now));
  return toAdminOption(option);
}

export async function shippingOptionById(s: Stores, id: string) {
  const found = await s.cart.shippingOption(id);
  if (!found) throw noSuchOption();
  return toAdminOption(found);
}

/** Every option, cheapest first. */
export async function shippingOptionList(s: Stores) {
  return (await s.cart.shippingOptions()).map(toAdminOption);
}

/** Changes the fields given; the days are checked against the stored ones in the same transaction. */
export function editShippingOption(engine: Engine, input: z.output<typeof shippingUpdateInput>) {
  return engine.transaction(async (tx) => {
    const current = await shippingOptionById(tx, input.id);
    const minDays = input.minDays ?? current.estimatedDays.min;
    const maxDays = input.maxDays ?? current.estimatedDays.max;
    if (minDays > maxDays) {
      throw new AppError('BAD_REQUEST', 'INVALID_INPUT', 'maxDays is before minDays');
    }
    await tx.cart.updateShippingOption(input.id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.countries !== undefined && { countries: unique(input.countries) }),
      ...(input.price !== undefined && { price: input.price }),
      ...(input.freeOverSubtotal !== undefined && { freeOverSubtotal: input.freeOverSubtotal }),
      minDays,
      maxDays,
    });
    return shippingOptionById(tx, input.id);
  });
}

/** Deletes an option; orders keep their own snapshot of its name and price. */
export async function removeShippingOption(engine: Engine, id: string) {
  const deleted = await engine.transaction((tx) => tx.cart.deleteShippingOption(id));
  if (!deleted) throw noSuchOption();
  return { ok: true as const };
}

export async function putTaxRate(engine: Engine, input: { country: string; rateBps: number }, now: number) {
  await engine.transaction((tx) => tx.cart.setTaxRate(input, now));
  return { country: input.country, rateBps: input.rateBps };
}

/** Every rate, by country. */
export function taxRateList(s: Stores) {
  return s.cart.taxRates();
}
