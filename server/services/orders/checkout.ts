import type { z } from 'zod';
import type { ShippingOptionRecord as ShippingOptionRow } from '../../../db/stores/cart.js';
import type { CheckoutFacts } from '../../../db/stores/checkout.js';
import type { Stores } from '../../../db/stores/index.js';
import type { addressSchema } from '../../../shared/schemas/index.js';
import { computeTotals, lineTotal, shippingPrice, type Totals } from '../../domain/pricing.js';
import { AppError } from '../../errors.js';
import type { CartLineRow } from '../cart/cart.js';
import { discountError } from '../cart/discounts.js';
import type { OtherAreas } from './other-areas.js';

export type { ShippingOptionRow };

type Address = z.output<typeof addressSchema>;

const shipsTo = (option: ShippingOptionRow, country: string) =>
  option.countries.length === 0 || option.countries.includes(country);

export interface Priced {
  cartId: string;
  lines: CartLineRow[];
  totals: Totals;
  discount: { id: string; code: string } | null;
  option: ShippingOptionRow;
  /** Every merchant webhook (read with the rest, for the order's outbox messages). */
  webhooks: CheckoutFacts['webhooks'];
}

type PricingFacts = { userId: string; address: Address; shippingOptionId: string; now: number };

/**
 * Prices the user's cart for a destination and option, exactly as the order will be: CART_EMPTY,
 * SHIPPING_UNAVAILABLE, or the discount's own reason when its code no longer holds.
 */
export async function priceCheckout(s: Stores, areas: OtherAreas, facts: PricingFacts): Promise<Priced> {
  // One read (one round trip on PostgreSQL): the cart and its lines, the option, the tax rate.
  const read = await s.checkout.facts({
    userId: facts.userId,
    shippingOptionId: facts.shippingOptionId,
    country: facts.address.country,
  });
  return priceFrom(read, areas, facts);
}

/** priceCheckout on facts already read (placeOrder reads them with its key claim). */
export async function priceFrom(
  read: CheckoutFacts,
  areas: OtherAreas,
  facts: PricingFacts,
): Promise<Priced> {
  const { cart, lines, option, rateBps, webhooks } = read;
  if (!cart || lines.length === 0) throw new AppError('BAD_REQUEST', 'CART_EMPTY', 'The cart is empty');
  if (!option || !shipsTo(option, facts.address.country)) {
    throw new AppError('BAD_REQUEST', 'SHIPPING_UNAVAILABLE', 'This shipping option does not ship there');
  }
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = cart.discountId
    ? await areas.checkDiscount(cart.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  if (applied && !applied.ok) throw discountError(applied.reason);
  const totals = computeTotals({
    lines,
    discount: applied?.ok ? applied.amount : 0,
    shipping: option,
    rateBps: rateBps ?? 0,
  });
  return {
    cartId: cart.id,
    lines,
    totals,
    discount: applied ? { id: applied.id, code: applied.code } : null,
    option,
    webhooks,
  };
}

/** Options that ship to the country, priced for the user's cart (free-shipping rule applied). */
export async function shippingOptionsFor(
  s: Stores,
  areas: OtherAreas,
  facts: { userId: string; country: string; now: number },
) {
  const owned = await areas.userCart(facts.userId);
  const lines = owned?.lines ?? [];
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const applied = owned?.cart.discountId
    ? await areas.checkDiscount(owned.cart.discountId, { subtotal, now: facts.now, userId: facts.userId })
    : null;
  const discounted = subtotal - (applied?.ok ? applied.amount : 0);
  return (await s.cart.shippingOptions())
    .filter((option) => shipsTo(option, facts.country))
    .map((option) => ({
      id: option.id,
      name: option.name,
      price: shippingPrice(option, discounted),
      estimatedDays: { min: option.minDays, max: option.maxDays },
    }));
}

/** Totals for a quote, with the currency. */
export async function quote(
  s: Stores,
  areas: OtherAreas,
  facts: { userId: string; address: Address; shippingOptionId: string; now: number },
  currency: string,
) {
  return { currency, ...(await priceCheckout(s, areas, facts)).totals };
}
