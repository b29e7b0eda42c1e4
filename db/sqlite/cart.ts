import { and, desc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import {
  type CartStore,
  type DiscountRecord,
  type ShippingOptionRecord,
  shippingColumnsOf,
  type TaxRateRecord,
  withCountries,
} from '../stores/cart.js';
import type { Executor } from './client.js';
import { preparedQuery } from './prepared.js';
import {
  cart,
  cartItem,
  discount,
  discountRedemption,
  product,
  shippingOption,
  taxRate,
  variant,
} from './schema/index.js';

const p = sql.placeholder;

/*
 * The hot statements (every cart read and write) are Drizzle prepared queries, built once per
 * connection (preparedQuery). They are exported for the legacy synchronous cart functions
 * (services/cart/cart.ts, discounts.ts, cart-writes.ts) so both run the same statements.
 */

const cartBy = (db: Executor, column: typeof cart.userId | typeof cart.guestTokenHash) =>
  db
    .select({ id: cart.id, discountId: cart.discountId })
    .from(cart)
    .where(eq(column, p('key')))
    .prepare();

const shippingColumns = {
  id: shippingOption.id,
  name: shippingOption.name,
  countries: shippingOption.countries,
  price: shippingOption.price,
  freeOverSubtotal: shippingOption.freeOverSubtotal,
  minDays: shippingOption.minDays,
  maxDays: shippingOption.maxDays,
};

export const cartQueries = {
  ofUser: (db: Executor) => preparedQuery(db, 'cart-of-user', (d) => cartBy(d, cart.userId)),
  ofGuest: (db: Executor) => preparedQuery(db, 'cart-of-guest', (d) => cartBy(d, cart.guestTokenHash)),
  lines: (db: Executor) =>
    preparedQuery(db, 'cart-lines', (d) =>
      d
        .select({
          variantId: variant.id,
          productId: product.id,
          productSlug: product.slug,
          productName: product.name,
          variantName: variant.name,
          sku: variant.sku,
          imageUrl: sql<string | null>`json_extract(${product.images}, '$[0]')`,
          unitPrice: variant.price,
          quantity: cartItem.quantity,
          available: sql<number>`CASE WHEN ${product.status} = 'active' THEN ${variant.stock} ELSE 0 END`,
        })
        .from(cartItem)
        .innerJoin(variant, eq(variant.id, cartItem.variantId))
        .innerJoin(product, eq(product.id, variant.productId))
        .where(eq(cartItem.cartId, p('cartId')))
        .orderBy(cartItem.addedAt, sql`${cartItem}.rowid`)
        .prepare(),
    ),
  lineForWrite: (db: Executor) =>
    preparedQuery(db, 'cart-line-for-write', (d) =>
      d
        .select({ status: product.status, stock: variant.stock, quantity: cartItem.quantity })
        .from(variant)
        .innerJoin(product, eq(product.id, variant.productId))
        .leftJoin(cartItem, and(eq(cartItem.cartId, p('cartId')), eq(cartItem.variantId, variant.id)))
        .where(eq(variant.id, p('variantId')))
        .prepare(),
    ),
  putLine: (db: Executor) =>
    preparedQuery(db, 'cart-line-upsert', (d) =>
      d
        .insert(cartItem)
        .values({
          cartId: p('cartId'),
          variantId: p('variantId'),
          quantity: p('quantity'),
          addedAt: p('now'),
        })
        .onConflictDoUpdate({
          target: [cartItem.cartId, cartItem.variantId],
          set: { quantity: sql`excluded.quantity` },
        })
        .prepare(),
    ),
  deleteLine: (db: Executor) =>
    preparedQuery(db, 'cart-line-delete', (d) =>
      d
        .delete(cartItem)
        .where(and(eq(cartItem.cartId, p('cartId')), eq(cartItem.variantId, p('variantId'))))
        .prepare(),
    ),
  clearLines: (db: Executor) =>
    preparedQuery(db, 'cart-items-clear', (d) =>
      d
        .delete(cartItem)
        .where(eq(cartItem.cartId, p('cartId')))
        .prepare(),
    ),
  touch: (db: Executor) =>
    preparedQuery(db, 'cart-touch', (d) =>
      d
        .update(cart)
        .set({ updatedAt: sql`${p('now')}` })
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
  setDiscount: (db: Executor) =>
    preparedQuery(db, 'cart-set-discount', (d) =>
      d
        .update(cart)
        .set({ discountId: sql`${p('discountId')}`, updatedAt: sql`${p('now')}` })
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
  insertUserCart: (db: Executor) =>
    preparedQuery(db, 'cart-insert-user', (d) =>
      d
        .insert(cart)
        .values({ id: p('id'), userId: p('userId'), createdAt: p('now'), updatedAt: p('now') })
        .onConflictDoNothing()
        .prepare(),
    ),
  insertGuestCart: (db: Executor) =>
    preparedQuery(db, 'cart-insert-guest', (d) =>
      d
        .insert(cart)
        .values({ id: p('id'), guestTokenHash: p('tokenHash'), createdAt: p('now'), updatedAt: p('now') })
        .prepare(),
    ),
  deleteCart: (db: Executor) =>
    preparedQuery(db, 'cart-delete', (d) =>
      d
        .delete(cart)
        .where(eq(cart.id, p('cartId')))
        .prepare(),
    ),
  discountByCode: (db: Executor) =>
    preparedQuery(db, 'discount-by-code', (d) =>
      d
        .select({ id: discount.id })
        .from(discount)
        .where(eq(discount.code, p('code')))
        .prepare(),
    ),
  discountRule: (db: Executor) =>
    preparedQuery(db, 'discount-rule', (d) =>
      d
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
        .where(eq(discount.id, p('id')))
        .prepare(),
    ),
  discountUsedBy: (db: Executor) =>
    preparedQuery(db, 'discount-used-by', (d) =>
      d
        .select({ orderId: discountRedemption.orderId })
        .from(discountRedemption)
        .where(
          and(eq(discountRedemption.discountId, p('discountId')), eq(discountRedemption.userId, p('userId'))),
        )
        .prepare(),
    ),
  // Checkout reads these on every quote and order (orders area).
  shippingOptions: (db: Executor) =>
    preparedQuery(db, 'cart-shipping-options', (d) =>
      d
        .select(shippingColumns)
        .from(shippingOption)
        .orderBy(shippingOption.price, shippingOption.name)
        .prepare(),
    ),
  shippingOption: (db: Executor) =>
    preparedQuery(db, 'cart-shipping-option', (d) =>
      d
        .select(shippingColumns)
        .from(shippingOption)
        .where(eq(shippingOption.id, p('id')))
        .prepare(),
    ),
  taxRateOf: (db: Executor) =>
    preparedQuery(db, 'cart-tax-rate-of', (d) =>
      d
        .select({ rateBps: taxRate.rateBps })
        .from(taxRate)
        .where(eq(taxRate.country, p('country')))
        .prepare(),
    ),
  redeemDiscount: (db: Executor) =>
    preparedQuery(db, 'discount-redeem', (d) =>
      d
        .update(discount)
        .set({ redemptions: sql`${discount.redemptions} + 1` })
        .where(
          and(
            eq(discount.id, p('id')),
            sql`(${discount.maxRedemptions} IS NULL OR ${discount.redemptions} < ${discount.maxRedemptions})`,
          ),
        )
        .prepare(),
    ),
};

/**
 * The admin writes, synchronous: the store runs them, and so do the legacy synchronous functions the
 * demo store still calls inside its own transaction (createDiscount, createShippingOption, setTaxRate).
 */
export const cartWrites = {
  /** false: the code is taken (nothing written). */
  insertDiscount: (db: Executor, row: DiscountRecord): boolean =>
    db.insert(discount).values(row).onConflictDoNothing().returning({ id: discount.id }).all().length > 0,
  insertShippingOption: (db: Executor, option: ShippingOptionRecord, now: number): void => {
    db.insert(shippingOption)
      .values({ ...option, countries: JSON.stringify(option.countries), createdAt: now })
      .run();
  },
  setTaxRate: (db: Executor, rate: TaxRateRecord, now: number): void => {
    db.insert(taxRate)
      .values({ ...rate, updatedAt: now })
      .onConflictDoUpdate({ target: taxRate.country, set: { rateBps: rate.rateBps, updatedAt: now } })
      .run();
  },
};

/** The cart area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteCart(db: Executor): CartStore {
  return {
    cartOfUser: async (userId) => cartQueries.ofUser(db).get({ key: userId }),
    cartOfGuest: async (tokenHash) => cartQueries.ofGuest(db).get({ key: tokenHash }),
    // The group commit runs one write unit at a time on the one write connection: nothing to lock.
    lockedCartOfUser: async (userId) => cartQueries.ofUser(db).get({ key: userId }),
    lockedCartOfGuest: async (tokenHash) => cartQueries.ofGuest(db).get({ key: tokenHash }),
    lines: async (cartId) => cartQueries.lines(db).all({ cartId }),
    lineForWrite: async (cartId, variantId) => cartQueries.lineForWrite(db).get({ cartId, variantId }),
    insertUserCart: async (row) => {
      cartQueries.insertUserCart(db).run(row);
    },
    insertGuestCart: async (row) => {
      cartQueries.insertGuestCart(db).run(row);
    },
    deleteCart: async (cartId) => {
      cartQueries.deleteCart(db).run({ cartId });
    },
    deleteGuestCartsBefore: async (before) =>
      db
        .delete(cart)
        .where(and(isNotNull(cart.guestTokenHash), lt(cart.updatedAt, before)))
        .run().changes,
    putLine: async (line) => {
      cartQueries.putLine(db).run({ ...line });
    },
    deleteLine: async (cartId, variantId) => {
      cartQueries.deleteLine(db).run({ cartId, variantId });
    },
    clearLines: async (cartId) => {
      cartQueries.clearLines(db).run({ cartId });
    },
    empty: async (cartId, now) => {
      cartQueries.clearLines(db).run({ cartId });
      cartQueries.setDiscount(db).run({ cartId, discountId: null, now });
    },
    touch: async (cartId, now) => {
      cartQueries.touch(db).run({ cartId, now });
    },
    setDiscount: async (cartId, discountId, now) => {
      cartQueries.setDiscount(db).run({ cartId, discountId, now });
    },

    discountIdByCode: async (code) => cartQueries.discountByCode(db).get({ code })?.id,
    discountRule: async (id) => cartQueries.discountRule(db).get({ id }),
    discountUsedBy: async (discountId, userId) =>
      cartQueries.discountUsedBy(db).get({ discountId, userId }) !== undefined,
    insertDiscount: async (row) => cartWrites.insertDiscount(db, row),
    discounts: async () => db.select().from(discount).orderBy(desc(discount.createdAt)).all(),
    deactivateDiscount: async (id) =>
      db.update(discount).set({ active: false }).where(eq(discount.id, id)).returning().get(),
    redeemDiscount: async (id) => cartQueries.redeemDiscount(db).run({ id }).changes > 0,
    releaseDiscount: async (id) => {
      db.update(discount)
        .set({ redemptions: sql`max(${discount.redemptions} - 1, 0)` })
        .where(eq(discount.id, id))
        .run();
    },

    shippingOptions: async () => cartQueries.shippingOptions(db).all().map(withCountries),
    shippingOption: async (id) => {
      const row = cartQueries.shippingOption(db).get({ id });
      return row && withCountries(row);
    },
    insertShippingOption: async (option, now) => cartWrites.insertShippingOption(db, option, now),
    updateShippingOption: async (id, changes) =>
      db.update(shippingOption).set(shippingColumnsOf(changes)).where(eq(shippingOption.id, id)).run()
        .changes > 0,
    deleteShippingOption: async (id) =>
      db.delete(shippingOption).where(eq(shippingOption.id, id)).run().changes > 0,
    setTaxRate: async (rate, now) => cartWrites.setTaxRate(db, rate, now),
    taxRateOf: async (country) => cartQueries.taxRateOf(db).get({ country })?.rateBps,
    taxRates: async () =>
      db
        .select({ country: taxRate.country, rateBps: taxRate.rateBps })
        .from(taxRate)
        .orderBy(taxRate.country)
        .all(),
  };
}
