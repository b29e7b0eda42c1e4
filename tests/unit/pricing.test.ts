import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canMove, ORDER_MOVES } from '../../server/domain/order-status.js';
import {
  computeTotals,
  type DiscountRule,
  evaluateDiscount,
  lineTotal,
  type PricedLine,
  type ShippingRule,
  shippingPrice,
  subtotalOf,
  taxOn,
} from '../../server/domain/pricing.js';
import { ORDER_STATUSES, type OrderStatus } from '../../shared/reasons.js';

/** A discount that applies to anything, anytime: each test changes only what it is about. */
const rule = (overrides: Partial<DiscountRule> = {}): DiscountRule => ({
  kind: 'percent',
  value: 10,
  minSubtotal: 0,
  startsAt: null,
  endsAt: null,
  maxRedemptions: null,
  redemptions: 0,
  oncePerCustomer: false,
  active: true,
  ...overrides,
});

const NOW = Date.UTC(2025, 5, 15, 12);
const HOUR = 3_600_000;
const facts = (subtotal: number, overrides: Partial<{ now: number; usedByCustomer: boolean }> = {}) => ({
  subtotal,
  now: NOW,
  usedByCustomer: false,
  ...overrides,
});

describe('lineTotal and subtotalOf', () => {
  it('multiplies unit price by quantity and sums the lines', () => {
    expect(lineTotal({ unitPrice: 1999, quantity: 3 })).toBe(5997);
    expect(lineTotal({ unitPrice: 0, quantity: 7 })).toBe(0);
    expect(subtotalOf([])).toBe(0);
    expect(
      subtotalOf([
        { unitPrice: 1999, quantity: 3 },
        { unitPrice: 450, quantity: 1 },
        { unitPrice: 0, quantity: 2 },
      ]),
    ).toBe(6447);
  });
});

describe('evaluateDiscount', () => {
  it.each([
    // [subtotal, percent, expected amount]: Math.round, so halves go up
    [1999, 10, 200], // 199.9
    [1994, 10, 199], // 199.4
    [1995, 10, 200], // 199.5
    [25, 10, 3], // 2.5
    [5, 10, 1], // 0.5
    [4, 10, 0], // 0.4
    [3333, 33, 1100], // 1099.89
    [10000, 100, 10000],
    [0, 50, 0],
  ])('percent: subtotal %i at %i%% takes %i off', (subtotal, value, amount) => {
    expect(evaluateDiscount(rule({ kind: 'percent', value }), facts(subtotal))).toEqual({ ok: true, amount });
  });

  it.each([
    [5000, 1999, 1999], // capped at the subtotal
    [5000, 5000, 5000],
    [500, 1999, 500],
    [1, 0, 0],
  ])('fixed %i on subtotal %i takes %i off', (value, subtotal, amount) => {
    expect(evaluateDiscount(rule({ kind: 'fixed', value }), facts(subtotal))).toEqual({ ok: true, amount });
  });

  it('is DISCOUNT_EXPIRED outside its window or when deactivated, and valid on the window bounds', () => {
    const windowed = rule({ startsAt: NOW - HOUR, endsAt: NOW + HOUR });
    const at = (now: number) => evaluateDiscount(windowed, facts(1000, { now }));
    expect(at(NOW - HOUR - 1)).toEqual({ ok: false, reason: 'DISCOUNT_EXPIRED' });
    expect(at(NOW + HOUR + 1)).toEqual({ ok: false, reason: 'DISCOUNT_EXPIRED' });
    expect(at(NOW - HOUR)).toEqual({ ok: true, amount: 100 });
    expect(at(NOW)).toEqual({ ok: true, amount: 100 });
    expect(at(NOW + HOUR)).toEqual({ ok: true, amount: 100 });
    expect(evaluateDiscount(rule({ startsAt: NOW + 1 }), facts(1000))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXPIRED',
    });
    expect(evaluateDiscount(rule({ endsAt: NOW - 1 }), facts(1000))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXPIRED',
    });
    expect(evaluateDiscount(rule({ active: false }), facts(1000))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXPIRED',
    });
  });

  it('is DISCOUNT_EXHAUSTED at its redemption limit, or once used by a once-per-customer customer', () => {
    expect(evaluateDiscount(rule({ maxRedemptions: 5, redemptions: 4 }), facts(1000))).toEqual({
      ok: true,
      amount: 100,
    });
    expect(evaluateDiscount(rule({ maxRedemptions: 5, redemptions: 5 }), facts(1000))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXHAUSTED',
    });
    expect(evaluateDiscount(rule({ maxRedemptions: 1, redemptions: 3 }), facts(1000))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXHAUSTED',
    });
    expect(evaluateDiscount(rule({ oncePerCustomer: true }), facts(1000, { usedByCustomer: true }))).toEqual({
      ok: false,
      reason: 'DISCOUNT_EXHAUSTED',
    });
    expect(evaluateDiscount(rule({ oncePerCustomer: true }), facts(1000))).toEqual({ ok: true, amount: 100 });
    // Used before, but the code is not once-per-customer: still good.
    expect(evaluateDiscount(rule(), facts(1000, { usedByCustomer: true }))).toEqual({
      ok: true,
      amount: 100,
    });
  });

  it('is DISCOUNT_MIN_SUBTOTAL below its minimum subtotal, and valid at it', () => {
    expect(evaluateDiscount(rule({ minSubtotal: 1000 }), facts(999))).toEqual({
      ok: false,
      reason: 'DISCOUNT_MIN_SUBTOTAL',
    });
    expect(evaluateDiscount(rule({ minSubtotal: 1000 }), facts(1000))).toEqual({ ok: true, amount: 100 });
    expect(evaluateDiscount(rule({ kind: 'fixed', value: 300, minSubtotal: 2000 }), facts(0))).toEqual({
      ok: false,
      reason: 'DISCOUNT_MIN_SUBTOTAL',
    });
  });
});

describe('shippingPrice', () => {
  it('charges the price, or nothing once the discounted subtotal reaches the threshold', () => {
    expect(shippingPrice({ price: 599, freeOverSubtotal: null }, 1_000_000)).toBe(599);
    expect(shippingPrice({ price: 599, freeOverSubtotal: 10000 }, 9999)).toBe(599);
    expect(shippingPrice({ price: 599, freeOverSubtotal: 10000 }, 10000)).toBe(0);
    expect(shippingPrice({ price: 599, freeOverSubtotal: 10000 }, 10001)).toBe(0);
    expect(shippingPrice({ price: 599, freeOverSubtotal: 0 }, 0)).toBe(0);
    expect(shippingPrice({ price: 0, freeOverSubtotal: null }, 50)).toBe(0);
  });
});

describe('taxOn', () => {
  it.each([
    [10000, 800, 800],
    [1999, 825, 165], // 164.9175
    [5, 1000, 1], // 0.5 rounds up
    [4, 1000, 0], // 0.4
    [12345, 0, 0],
    [12345, 10000, 12345],
    [0, 2500, 0],
  ])('tax on %i at %i bps is %i', (amount, rateBps, tax) => {
    expect(taxOn(amount, rateBps)).toBe(tax);
  });
});

describe('computeTotals', () => {
  it('prices a cart as the API reference does: tax on the discounted subtotal, shipping untaxed', () => {
    expect(
      computeTotals({
        lines: [{ unitPrice: 1999, quantity: 3 }],
        discount: 600,
        shipping: { price: 599, freeOverSubtotal: 10000 },
        rateBps: 800,
      }),
    ).toEqual({ subtotal: 5997, discount: 600, shipping: 599, tax: 432, total: 6428 }); // tax 431.76
  });

  it('applies the free-shipping threshold after the discount', () => {
    const lines = [{ unitPrice: 10500, quantity: 1 }];
    const shipping = { price: 599, freeOverSubtotal: 10000 };
    // 10500 alone ships free; 10500 − 1050 = 9450 no longer does.
    expect(computeTotals({ lines, discount: 0, shipping, rateBps: 0 }).shipping).toBe(0);
    expect(computeTotals({ lines, discount: 1050, shipping, rateBps: 0 })).toEqual({
      subtotal: 10500,
      discount: 1050,
      shipping: 599,
      tax: 0,
      total: 10049,
    });
    expect(computeTotals({ lines, discount: 500, shipping, rateBps: 0 }).shipping).toBe(0); // exactly 10000
  });

  it('never takes off more than the subtotal', () => {
    expect(
      computeTotals({
        lines: [{ unitPrice: 300, quantity: 2 }],
        discount: 5000,
        shipping: { price: 499, freeOverSubtotal: null },
        rateBps: 2000,
      }),
    ).toEqual({ subtotal: 600, discount: 600, shipping: 499, tax: 0, total: 499 });
  });
});

// ---- properties ----

const lineArb: fc.Arbitrary<PricedLine> = fc.record({
  unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
  quantity: fc.integer({ min: 1, max: 99 }),
});
const linesArb = fc.array(lineArb, { maxLength: 20 });
const timeArb = fc.integer({ min: NOW - 100 * HOUR, max: NOW + 100 * HOUR });
const discountRuleArb: fc.Arbitrary<DiscountRule> = fc
  .record({
    kind: fc.constantFrom('percent' as const, 'fixed' as const),
    percent: fc.integer({ min: 1, max: 100 }),
    fixed: fc.integer({ min: 1, max: 100_000_000 }),
    minSubtotal: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000_000 })),
    startsAt: fc.option(timeArb),
    endsAt: fc.option(timeArb),
    maxRedemptions: fc.option(fc.integer({ min: 1, max: 10 })),
    redemptions: fc.integer({ min: 0, max: 12 }),
    oncePerCustomer: fc.boolean(),
    active: fc.boolean(),
  })
  .map(({ percent, fixed, ...r }) => ({ ...r, value: r.kind === 'percent' ? percent : fixed }));
const shippingArb: fc.Arbitrary<ShippingRule> = fc.record({
  price: fc.integer({ min: 0, max: 100_000 }),
  freeOverSubtotal: fc.option(fc.integer({ min: 0, max: 50_000_000 })),
});
const rateArb = fc.integer({ min: 0, max: 10_000 });

/** The API reference's discount rule, written out independently of the implementation. */
function expectedDiscount(
  r: DiscountRule,
  f: { subtotal: number; now: number; usedByCustomer: boolean },
): { valid: boolean; amount: number } {
  const inWindow = (r.startsAt === null || f.now >= r.startsAt) && (r.endsAt === null || f.now <= r.endsAt);
  const exhausted =
    (r.maxRedemptions !== null && r.redemptions >= r.maxRedemptions) ||
    (r.oncePerCustomer && f.usedByCustomer);
  const valid = r.active && inWindow && !exhausted && f.subtotal >= r.minSubtotal;
  const amount =
    r.kind === 'percent' ? Math.round((f.subtotal * r.value) / 100) : Math.min(r.value, f.subtotal);
  return { valid, amount };
}

describe('pricing properties', () => {
  it('evaluateDiscount matches the rule: an integer amount within the subtotal, or the right reason', () => {
    fc.assert(
      fc.property(linesArb, discountRuleArb, timeArb, fc.boolean(), (lines, r, now, usedByCustomer) => {
        const subtotal = subtotalOf(lines);
        const f = { subtotal, now, usedByCustomer };
        const result = evaluateDiscount(r, f);
        const expected = expectedDiscount(r, f);
        expect(result.ok).toBe(expected.valid);
        if (result.ok) {
          expect(Number.isInteger(result.amount)).toBe(true);
          expect(result.amount).toBeGreaterThanOrEqual(0);
          expect(result.amount).toBeLessThanOrEqual(subtotal);
          expect(result.amount).toBe(expected.amount);
        } else {
          const outsideWindow =
            !r.active || (r.startsAt !== null && now < r.startsAt) || (r.endsAt !== null && now > r.endsAt);
          const exhausted =
            (r.maxRedemptions !== null && r.redemptions >= r.maxRedemptions) ||
            (r.oncePerCustomer && usedByCustomer);
          if (result.reason === 'DISCOUNT_EXPIRED') expect(outsideWindow).toBe(true);
          else if (result.reason === 'DISCOUNT_EXHAUSTED') expect(exhausted).toBe(true);
          else {
            expect(result.reason).toBe('DISCOUNT_MIN_SUBTOTAL');
            expect(subtotal).toBeLessThan(r.minSubtotal);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('computeTotals: integer, non-negative parts, discount ≤ subtotal, total = the sum of the parts', () => {
    fc.assert(
      fc.property(
        linesArb,
        discountRuleArb,
        fc.boolean(),
        shippingArb,
        rateArb,
        (lines, r, usedByCustomer, shipping, rateBps) => {
          const subtotal = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
          const check = evaluateDiscount(r, { subtotal, now: NOW, usedByCustomer });
          const discount = check.ok ? check.amount : 0;
          const totals = computeTotals({ lines, discount, shipping, rateBps });

          for (const part of Object.values(totals)) {
            expect(Number.isSafeInteger(part)).toBe(true);
            expect(part).toBeGreaterThanOrEqual(0);
          }
          expect(totals.subtotal).toBe(subtotal);
          expect(totals.discount).toBe(discount);
          expect(totals.discount).toBeLessThanOrEqual(totals.subtotal);
          const discounted = subtotal - discount;
          const free = shipping.freeOverSubtotal !== null && discounted >= shipping.freeOverSubtotal;
          expect(totals.shipping).toBe(free ? 0 : shipping.price);
          expect(totals.tax).toBe(Math.round((discounted * rateBps) / 10000));
          expect(totals.total).toBe(totals.subtotal - totals.discount + totals.shipping + totals.tax);
          expect(totals.total).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('computeTotals caps any discount amount at the subtotal and never goes negative', () => {
    fc.assert(
      fc.property(
        linesArb,
        fc.integer({ min: 0, max: 2_000_000_000 }),
        shippingArb,
        rateArb,
        (lines, discount, shipping, rateBps) => {
          const totals = computeTotals({ lines, discount, shipping, rateBps });
          expect(totals.discount).toBe(Math.min(discount, totals.subtotal));
          for (const part of Object.values(totals)) {
            expect(Number.isSafeInteger(part)).toBe(true);
            expect(part).toBeGreaterThanOrEqual(0);
          }
          expect(totals.total).toBe(totals.subtotal - totals.discount + totals.shipping + totals.tax);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('shipping is never taxed: the tax does not depend on the shipping option', () => {
    fc.assert(
      fc.property(
        linesArb,
        fc.integer({ min: 0, max: 1_000_000 }),
        shippingArb,
        shippingArb,
        rateArb,
        (lines, discount, a, b, rateBps) => {
          const withA = computeTotals({ lines, discount, shipping: a, rateBps });
          const withB = computeTotals({ lines, discount, shipping: b, rateBps });
          expect(withA.tax).toBe(withB.tax);
          expect(withA.total - withA.shipping).toBe(withB.total - withB.shipping);
        },
      ),
    );
  });
});

describe('order status moves', () => {
  const allowed = new Set([
    'pending_payment→paid',
    'pending_payment→cancelled',
    'paid→fulfilled',
    'paid→cancelled',
    'fulfilled→delivered',
  ]);
  const pairs = ORDER_STATUSES.flatMap((from) =>
    ORDER_STATUSES.map(
      (to) => [from, to, allowed.has(`${from}→${to}`)] as [OrderStatus, OrderStatus, boolean],
    ),
  );

  it('covers every status', () => {
    expect(Object.keys(ORDER_MOVES).sort()).toEqual([...ORDER_STATUSES].sort());
    expect(pairs).toHaveLength(25);
  });

  it.each(pairs)('%s → %s allowed: %s', (from, to, expected) => {
    expect(canMove(from, to)).toBe(expected);
    expect(ORDER_MOVES[from].includes(to)).toBe(expected);
  });
});
