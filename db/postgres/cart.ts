import { and, desc, eq, isNotNull, lt, type SQL, sql } from 'drizzle-orm';
import { type CartStore, shippingColumnsOf, withCountries } from '../stores/cart.js';
import type { PgExecutor } from './client.js';
import { namedStatement, onFirstUse } from './named-statement.js';
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

const shippingColumns = {
  id: shippingOption.id,
  name: shippingOption.name,
  countries: shippingOption.countries,
  price: shippingOption.price,
  freeOverSubtotal: shippingOption.freeOverSubtotal,
  minDays: shippingOption.minDays,
  maxDays: shippingOption.maxDays,
};

const discountRuleColumns = {
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
};

const cartBy = (db: PgExecutor, where: SQL) =>
  db.select({ id: cart.id, discountId: cart.discountId }).from(cart).where(where);

/**
 * A line set to a quantity, inserted when the cart has none for the variant (every add to cart).
 * A new line's added_at: `now`, or one millisecond after the cart's newest line when that is not
 * earlier. SQLite orders lines by (added_at, rowid), so lines added in one millisecond keep their
 * insertion order; PostgreSQL has no rowid, so strictly increasing added_at gives the same order.
 * The cart's row is locked by the writer (lockedCartOf…), so the newest line cannot change meanwhile.
 */
const putLineStatement = namedStatement(
  'cart_put_line',
  sql`
    INSERT INTO cart_item (cart_id, variant_id, quantity, added_at)
    VALUES (${sql.placeholder('cartId')}::text, ${sql.placeholder('variantId')}::text,
      ${sql.placeholder('quantity')}::integer,
      greatest(${sql.placeholder('now')}::bigint, (SELECT max(added_at) + 1 FROM cart_item
        WHERE cart_id = ${sql.placeholder('cartId')}::text)))
    ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = excluded.quantity`,
);

/**
 * The cart area's queries on PostgreSQL. Writes to one cart take its row lock first (lockedCartOf…), so
 * two requests adding to one cart run one after another and neither loses the other's quantity;
 * lines are written with ON CONFLICT (cart_id, variant_id) DO UPDATE, so no line is lost either.
 */
export function postgresCart(db: PgExecutor): CartStore {
  const first = <T>(rows: T[]): T | undefined => rows[0];
  // The statements every cart read and write runs, under names (named-statement.ts).
  const linesStatement = onFirstUse(() =>
    db
      .select({
        variantId: variant.id,
        productId: product.id,
        productSlug: product.slug,
        productName: product.name,
        variantName: variant.name,
        sku: variant.sku,
        imageUrl: sql<string | null>`(${product.images}::jsonb) ->> 0`,
        unitPrice: variant.price,
        quantity: cartItem.quantity,
        available:
          sql<number>`CASE WHEN ${product.status} = 'active' THEN ${variant.stock} ELSE 0 END`.mapWith(
            Number,
          ),
      })
      .from(cartItem)
      .innerJoin(variant, eq(variant.id, cartItem.variantId))
      .innerJoin(product, eq(product.id, variant.productId))
      .where(eq(cartItem.cartId, sql.placeholder('cartId')))
      .orderBy(cartItem.addedAt, sql`${cartItem.variantId} COLLATE "C"`)
      .prepare('cart_lines'),
  );
  const lockedCartOfUserStatement = onFirstUse(() =>
    cartBy(db, eq(cart.userId, sql.placeholder('userId')))
      .for('update')
      .prepare('cart_locked_of_user'),
  );
  const lineForWriteStatement = onFirstUse(() =>
    db
      .select({ status: product.status, stock: variant.stock, quantity: cartItem.quantity })
      .from(variant)
      .innerJoin(product, eq(product.id, variant.productId))
      .leftJoin(
        cartItem,
        and(eq(cartItem.cartId, sql.placeholder('cartId')), eq(cartItem.variantId, variant.id)),
      )
      .where(eq(variant.id, sql.placeholder('variantId')))
      .prepare('cart_line_for_write'),
  );
  const touchStatement = onFirstUse(() =>
    db
      .update(cart)
      .set({ updatedAt: sql`${sql.placeholder('now')}` })
      .where(eq(cart.id, sql.placeholder('cartId')))
      .prepare('cart_touch'),
  );
  const cartOfUserStatement = onFirstUse(() =>
    cartBy(db, eq(cart.userId, sql.placeholder('userId'))).prepare('cart_of_user'),
  );
  const shippingOptionStatement = onFirstUse(() =>
    db
      .select(shippingColumns)
      .from(shippingOption)
      .where(eq(shippingOption.id, sql.placeholder('id')))
      .prepare('cart_shipping_option'),
  );
  const taxRateStatement = onFirstUse(() =>
    db
      .select({ rateBps: taxRate.rateBps })
      .from(taxRate)
      .where(eq(taxRate.country, sql.placeholder('country')))
      .prepare('cart_tax_rate'),
  );
  const clearLinesStatement = onFirstUse(() =>
    db
      .delete(cartItem)
      .where(eq(cartItem.cartId, sql.placeholder('cartId')))
      .prepare('cart_clear_lines'),
  );
  return {
    cartOfUser: async (userId) => first(await cartOfUserStatement().execute({ userId })),
    cartOfGuest: async (tokenHash) => first(await cartBy(db, eq(cart.guestTokenHash, tokenHash))),
    lockedCartOfUser: async (userId) => first(await lockedCartOfUserStatement().execute({ userId })),
    lockedCartOfGuest: async (tokenHash) =>
      first(await cartBy(db, eq(cart.guestTokenHash, tokenHash)).for('update')),
    lines: (cartId) => linesStatement().execute({ cartId }),
    lineForWrite: async (cartId, variantId) =>
      first(await lineForWriteStatement().execute({ cartId, variantId })),
    insertUserCart: async ({ id, userId, now }) => {
      // A concurrent first write for the same user waits for the other's insert, then does nothing.
      await db.insert(cart).values({ id, userId, createdAt: now, updatedAt: now }).onConflictDoNothing();
    },
    insertGuestCart: async ({ id, tokenHash, now }) => {
      await db.insert(cart).values({ id, guestTokenHash: tokenHash, createdAt: now, updatedAt: now });
    },
    deleteCart: async (cartId) => {
      await db.delete(cart).where(eq(cart.id, cartId));
    },
    deleteGuestCartsBefore: async (before) => {
      const deleted = await db
        .delete(cart)
        .where(and(isNotNull(cart.guestTokenHash), lt(cart.updatedAt, before)))
        .returning({ id: cart.id });
      return deleted.length;
    },
    putLine: async (line) => {
      await putLineStatement(db, { ...line });
    },
    deleteLine: async (cartId, variantId) => {
      await db.delete(cartItem).where(and(eq(cartItem.cartId, cartId), eq(cartItem.variantId, variantId)));
    },
    clearLines: async (cartId) => {
      await clearLinesStatement().execute({ cartId });
    },
    // NOTE: placeOrder empties its cart inside db/postgres/checkout.ts's statement.
    empty: async (cartId, now) => {
      await db.delete(cartItem).where(eq(cartItem.cartId, cartId));
      await db.update(cart).set({ discountId: null, updatedAt: now }).where(eq(cart.id, cartId));
    },
    touch: async (cartId, now) => {
      await touchStatement().execute({ cartId, now });
    },
    setDiscount: async (cartId, discountId, now) => {
      await db.update(cart).set({ discountId, updatedAt: now }).where(eq(cart.id, cartId));
    },

    discountIdByCode: async (code) =>
      first(await db.select({ id: discount.id }).from(discount).where(eq(discount.code, code)))?.id,
    discountRule: async (id) =>
      first(await db.select(discountRuleColumns).from(discount).where(eq(discount.id, id))),
    discountUsedBy: async (discountId, userId) =>
      (
        await db
          .select({ orderId: discountRedemption.orderId })
          .from(discountRedemption)
          .where(and(eq(discountRedemption.discountId, discountId), eq(discountRedemption.userId, userId)))
          .limit(1)
      ).length > 0,
    // ON CONFLICT DO NOTHING rather than catching 23505: a failed statement would abort the transaction.
    insertDiscount: async (row) =>
      (await db.insert(discount).values(row).onConflictDoNothing().returning({ id: discount.id })).length > 0,
    discounts: () => db.select().from(discount).orderBy(desc(discount.createdAt)),
    deactivateDiscount: async (id) =>
      first(await db.update(discount).set({ active: false }).where(eq(discount.id, id)).returning()),
    redeemDiscount: async (id) =>
      (
        await db
          .update(discount)
          .set({ redemptions: sql`${discount.redemptions} + 1` })
          .where(
            and(
              eq(discount.id, id),
              sql`(${discount.maxRedemptions} IS NULL OR ${discount.redemptions} < ${discount.maxRedemptions})`,
            ),
          )
          .returning({ id: discount.id })
      ).length > 0,
    releaseDiscount: async (id) => {
      await db
        .update(discount)
        .set({ redemptions: sql`greatest(${discount.redemptions} - 1, 0)` })
        .where(eq(discount.id, id));
    },

    shippingOptions: async () =>
      (
        await db
          .select(shippingColumns)
          .from(shippingOption)
          .orderBy(shippingOption.price, sql`${shippingOption.name} COLLATE "C"`)
      ).map(withCountries),
    shippingOption: async (id) => {
      const row = first(await shippingOptionStatement().execute({ id }));
      return row && withCountries(row);
    },
    insertShippingOption: async (option, now) => {
      await db
        .insert(shippingOption)
        .values({ ...option, countries: JSON.stringify(option.countries), createdAt: now });
    },
    updateShippingOption: async (id, changes) =>
      (
        await db
          .update(shippingOption)
          .set(shippingColumnsOf(changes))
          .where(eq(shippingOption.id, id))
          .returning({ id: shippingOption.id })
      ).length > 0,
    deleteShippingOption: async (id) =>
      (await db.delete(shippingOption).where(eq(shippingOption.id, id)).returning({ id: shippingOption.id }))
        .length > 0,
    setTaxRate: async (rate, now) => {
      await db
        .insert(taxRate)
        .values({ ...rate, updatedAt: now })
        .onConflictDoUpdate({ target: taxRate.country, set: { rateBps: rate.rateBps, updatedAt: now } });
    },
    taxRateOf: async (country) => first(await taxRateStatement().execute({ country }))?.rateBps,
    taxRates: () =>
      db
        .select({ country: taxRate.country, rateBps: taxRate.rateBps })
        .from(taxRate)
        .orderBy(sql`${taxRate.country} COLLATE "C"`),
  };
}
