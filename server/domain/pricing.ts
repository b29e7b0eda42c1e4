/**
 * The pricing rules of the API reference (docs/api/types.md), pure and deterministic. All amounts are integer minor units.
 * subtotal = Σ unitPrice × quantity; discount: percent → round(subtotal × value / 100), fixed →
 * min(value, subtotal); shipping free when subtotal − discount ≥ freeOverSubtotal; tax =
 * round((subtotal − discount) × rateBps / 10000), shipping untaxed; total = the sum of the parts.
 */

export interface PricedLine {
  unitPrice: number;
  quantity: number;
}

export interface DiscountRule {
  kind: 'percent' | 'fixed';
  value: number;
  minSubtotal: number;
  startsAt: number | null;
  endsAt: number | null;
  maxRedemptions: number | null;
  redemptions: number;
  oncePerCustomer: boolean;
  active: boolean;
}

export type DiscountProblem = 'DISCOUNT_EXPIRED' | 'DISCOUNT_EXHAUSTED' | 'DISCOUNT_MIN_SUBTOTAL';
export type DiscountCheck = { ok: true; amount: number } | { ok: false; reason: DiscountProblem };

export interface ShippingRule {
  price: number;
  freeOverSubtotal: number | null;
}

export interface Totals {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
}

export function lineTotal(line: PricedLine): number {
  return line.unitPrice * line.quantity;
}

export function subtotalOf(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, line) => sum + lineTotal(line), 0);
}

/** Whether a discount applies now to this subtotal, and for how much. */
export function evaluateDiscount(
  rule: DiscountRule,
  facts: { subtotal: number; now: number; usedByCustomer: boolean },
): DiscountCheck {
  if (!rule.active) return { ok: false, reason: 'DISCOUNT_EXPIRED' };
  if (rule.startsAt !== null && facts.now < rule.startsAt) return { ok: false, reason: 'DISCOUNT_EXPIRED' };
  if (rule.endsAt !== null && facts.now > rule.endsAt) return { ok: false, reason: 'DISCOUNT_EXPIRED' };
  if (rule.maxRedemptions !== null && rule.redemptions >= rule.maxRedemptions)
    return { ok: false, reason: 'DISCOUNT_EXHAUSTED' };
  if (rule.oncePerCustomer && facts.usedByCustomer) return { ok: false, reason: 'DISCOUNT_EXHAUSTED' };
  if (facts.subtotal < rule.minSubtotal) return { ok: false, reason: 'DISCOUNT_MIN_SUBTOTAL' };
  const raw = rule.kind === 'percent' ? Math.round((facts.subtotal * rule.value) / 100) : rule.value;
  return { ok: true, amount: Math.max(0, Math.min(raw, facts.subtotal)) };
}

/** The option's price, or 0 once the discounted subtotal reaches its free-shipping threshold. */
export function shippingPrice(rule: ShippingRule, discountedSubtotal: number): number {
  return rule.freeOverSubtotal !== null && discountedSubtotal >= rule.freeOverSubtotal ? 0 : rule.price;
}

export function taxOn(discountedSubtotal: number, rateBps: number): number {
  return Math.round((discountedSubtotal * rateBps) / 10000);
}

/** Every part of an order's price from its lines, discount amount, shipping rule and tax rate. */
export function computeTotals(input: {
  lines: readonly PricedLine[];
  discount: number;
  shipping: ShippingRule;
  rateBps: number;
}): Totals {
  const subtotal = subtotalOf(input.lines);
  const discount = Math.max(0, Math.min(input.discount, subtotal));
  const discounted = subtotal - discount;
  const shipping = shippingPrice(input.shipping, discounted);
  const tax = taxOn(discounted, input.rateBps);
  return { subtotal, discount, shipping, tax, total: discounted + shipping + tax };
}
