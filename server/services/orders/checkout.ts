import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { shippingOption, taxRate } from '../../../db/sqlite/schema/index.js';
import type { addressSchema } from '../../../shared/schemas/index.js';
import { computeTotals, lineTotal, shippingPrice, type Totals } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import { type CartLineRow, cartLines, findCart } from '../cart/cart.js';
import { checkDiscount, discountError } from '../cart/discounts.js';

type Address = z.output<typeof addressSchema>;

export interface ShippingOptionRow {
  id: string;
  name: string;
  countries: string[];
  price: number;
  freeOverSubtotal: number | null;
  minDays: number;
  maxDays: number;
}

const optionColumns = {
  id: shippingOption.id,
  name: shippingOption.name,
  countries: shippingOption.countries,
  price: shippingOption.price,
  freeOverSubtotal: shippingOption.freeOverSubtotal,
  minDays: shippingOption.minDays,
  maxDays: shippingOption.maxDays,
};

const withCountries = (row: Omit<ShippingOptionRow, 'countries'> & { countries: string }) => ({
  ...row,
  countries: JSON.parse(row.countries) as string[],
});

/** Every shipping option, cheapest first. */
export function shippingOptionRows(db: Executor): ShippingOptionRow[] {
  return preparedQuery(db, 'shipping-options', (d) =>
    d.select(optionColumns).from(shippingOption).orderBy(shippingOption.price, shippingOption.name).prepare(),
  )
    .all()
    .map(withCountries);
}

/** One shipping option by id. */
export function shippingOptionRow(db: Executor, id: string): ShippingOptionRow | undefined {
  const row = preparedQuery(db, 'shipping-option', (d) =>
    d
      .select(optionColumns)
      .from(shippingOption)
      .where(eq(shippingOption.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  return row && withCountries(row);
}

const shipsTo = (option: ShippingOptionRow, country: string) =>
  option.countries.length === 0 || option.countries.includes(country);

export function taxRateFor(db: Executor, country: string): number {
  return (
    preparedQuery(db, 'tax-rate', (d) =>
      d
        .select({ rateBps: taxRate.rateBps })
        .from(taxRate)
        .where(eq(taxRate.country, sql.placeholder('country')))
        .prepare(),
    ).get({ country })?.rateBps ?? 0
  );
}

interface Priced {
  cartId: string;
  lines: CartLineRow[];
  totals: Totals;
  discount: { id: string; code: string } | null;
  option: ShippingOptionRow;
}

/**
 * Prices the user's cart for a destination and option, exactly as the order will be: CART_EMPTY,
 * SHIPPING_UNAVAILABLE, or the discount's own reason when its code no longer holds.
 */
export function priceCheckout(
  db: Executor,
  facts: { userId: string; address: Address; shippingOptionId: string; now: number },
): Priced {
  const owned = findCart(db, { userId: facts.userId });
  const lines = owned ? cartLines(db, owned.id) : [];
  if (!owned || lines.length === 0) throw new AppError('BAD_REQUEST', 'CART_EMPTY', 'The cart is empty');
  const option = shippingOptionRow(db, facts.shippingOptionId);
  if (!option || !shipsTo(option, facts.address.country)) {
    throw new AppError('BAD_REQUEST', 'SHIPPING_UNAVAILABLE', 'This shipping option does not ship there');
  }
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = owned.discountId
    ? checkDiscount(db, owned.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  if (applied && !applied.ok) throw discountError(applied.reason);
  const totals = computeTotals({
    lines,
    discount: applied?.ok ? applied.amount : 0,
    shipping: option,
    rateBps: taxRateFor(db, facts.address.country),
  });
  return {
    cartId: owned.id,
    lines,
    totals,
    discount: applied ? { id: applied.id, code: applied.code } : null,
    option,
  };
}

/** Options that ship to the country, priced for the user's cart (free-shipping rule applied). */
export function shippingOptionsFor(db: Executor, facts: { userId: string; country: string; now: number }) {
  const owned = findCart(db, { userId: facts.userId });
  const lines = owned ? cartLines(db, owned.id) : [];
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = owned?.discountId
    ? checkDiscount(db, owned.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  const discounted = subtotal - (applied?.ok ? applied.amount : 0);
  return shippingOptionRows(db)
    .filter((option) => shipsTo(option, facts.country))
    .map((option) => ({
      id: option.id,
      name: option.name,
      price: shippingPrice(option, discounted),
      estimatedDays: { min: option.minDays, max: option.maxDays },
    }));
}

/** Totals for a quote, with the currency. */
export function quote(
  db: Executor,
  facts: { userId: string; address: Address; shippingOptionId: string; now: number },
  currency: string,
) {
  return { currency, ...priceCheckout(db, facts).totals };
}
