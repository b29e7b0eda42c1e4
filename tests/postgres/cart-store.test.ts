import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { createPostgresStores } from '../../db/postgres/stores.js';
import { type DatabaseHandle, openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { createSqliteStores } from '../../db/sqlite/stores.js';
import type { CartStore, DiscountRecord } from '../../db/stores/cart.js';
import { hashToken } from '../../server/auth/tokens.js';
import { AppError } from '../../server/errors.js';
import { cartOf, viewCart } from '../../server/services/cart/cart.js';
import { changeCart, moveGuestCart } from '../../server/services/cart/cart-writes.js';
import { addDiscount, discountList, endDiscount } from '../../server/services/cart/discounts.js';
import {
  addShippingOption,
  editShippingOption,
  putTaxRate,
  removeShippingOption,
  shippingOptionList,
  taxRateList,
} from '../../server/services/cart/shipping.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

/**
 * The cart store run method by method on SQLite and on PostgreSQL with the same inputs: the same
 * answers, the same order, the same refusals. Then what only PostgreSQL can show: concurrent
 * writes to one cart lose nothing, and a discount's limit holds under concurrent redemptions.
 */
const unavailable = await postgresUnavailable();

/** The same rows on both engines: plain SQL both dialects read alike (no booleans, "user" quoted). */
const FIXTURES = [
  `INSERT INTO "user" (id, email, name, password_hash, created_at, updated_at) VALUES
     ('u1', 'one@example.com', 'One', 'x', 0, 0), ('u2', 'two@example.com', 'Two', 'x', 0, 0)`,
  `INSERT INTO product (id, slug, name, description, status, images, created_at, updated_at) VALUES
     ('p-mug', 'mug', 'Mug', 'A mug', 'active', '["https://img.example/mug.jpg","b.jpg"]', 0, 0),
     ('p-old', 'old', 'Old', 'Gone', 'archived', '[]', 0, 0)`,
  `INSERT INTO variant (id, product_id, sku, name, price, stock, created_at, updated_at) VALUES
     ('v-white', 'p-mug', 'MUG-W', 'White', 1200, 5, 0, 0),
     ('v-blue', 'p-mug', 'MUG-B', 'Blue', 1500, 0, 0, 0),
     ('v-old', 'p-old', 'OLD-1', 'Old', 900, 7, 0, 0),
     ('v-z', 'p-mug', 'MUG-Z', 'Z', 100, 9, 0, 0),
     ('v-a', 'p-mug', 'MUG-A', 'A', 100, 9, 0, 0),
     ('v-m', 'p-mug', 'MUG-M', 'M', 100, 9, 0, 0)`,
  `INSERT INTO discount (id, code, kind, value, min_subtotal, max_redemptions, redemptions, created_at) VALUES
     ('d-used', 'USED', 'fixed', 500, 0, 10, 0, 5)`,
  `INSERT INTO customer_order (id, number, user_id, email, status, currency, subtotal, shipping_option_id,
     shipping_name, shipping_price, tax, total, shipping_address, created_at, updated_at) VALUES
     ('o1', 1, 'u1', 'one@example.com', 'paid', 'USD', 1000, 'ship', 'Ship', 0, 0, 1000, '{}', 0, 0)`,
  `INSERT INTO discount_redemption (order_id, discount_id, user_id, created_at) VALUES ('o1', 'd-used', 'u1', 0)`,
];

const discountRow = (id: string, code: string, createdAt: number, limit: number | null): DiscountRecord => ({
  id,
  code,
  kind: 'percent',
  value: 10,
  minSubtotal: 0,
  startsAt: null,
  endsAt: 100,
  maxRedemptions: limit,
  oncePerCustomer: true,
  redemptions: 0,
  active: true,
  createdAt,
});

/** Whether the call was refused; the engines' messages differ, so only that it was is compared. */
const refused = (call: Promise<unknown>) =>
  call.then(
    () => false,
    () => true,
  );

/** Every method of the store, in an order that exercises each outcome; returns what each answered. */
async function scenario(store: CartStore) {
  const out: Record<string, unknown> = {};
  await store.insertUserCart({ id: 'c-user', userId: 'u1', now: 10 });
  await store.insertUserCart({ id: 'c-user-again', userId: 'u1', now: 11 }); // the user has one: nothing
  await store.insertGuestCart({ id: 'c-guest', tokenHash: hashToken('guest-token'), now: 12 });
  out.cartOfUser = await store.cartOfUser('u1');
  out.noCartOfUser = await store.cartOfUser('u2');
  out.cartOfGuest = await store.cartOfGuest(hashToken('guest-token'));
  out.noCartOfGuest = await store.cartOfGuest(hashToken('other'));
  out.lockedCartOfUser = await store.lockedCartOfUser('u1');
  out.lockedCartOfGuest = await store.lockedCartOfGuest(hashToken('guest-token'));
  out.duplicateGuestToken = await refused(
    store.insertGuestCart({ id: 'c-guest-2', tokenHash: hashToken('guest-token'), now: 13 }),
  );

  out.lineForWriteNone = await store.lineForWrite('c-user', 'v-white');
  out.lineForWriteUnknown = await store.lineForWrite('c-user', 'v-nope');
  out.lineForWriteArchived = await store.lineForWrite('c-user', 'v-old');
  await store.putLine({ cartId: 'c-user', variantId: 'v-old', quantity: 1, now: 20 });
  await store.putLine({ cartId: 'c-user', variantId: 'v-white', quantity: 2, now: 21 });
  await store.putLine({ cartId: 'c-user', variantId: 'v-white', quantity: 3, now: 99 }); // keeps its place
  await store.putLine({ cartId: 'c-user', variantId: 'v-blue', quantity: 1, now: 22 });
  // Added in one millisecond (a frozen clock): insertion order, on both engines.
  await store.putLine({ cartId: 'c-user', variantId: 'v-z', quantity: 1, now: 25 });
  await store.putLine({ cartId: 'c-user', variantId: 'v-a', quantity: 1, now: 25 });
  await store.putLine({ cartId: 'c-user', variantId: 'v-m', quantity: 1, now: 25 });
  out.lineForWrite = await store.lineForWrite('c-user', 'v-white');
  out.lines = await store.lines('c-user');
  out.quantityOver99 = await refused(
    store.putLine({ cartId: 'c-user', variantId: 'v-white', quantity: 100, now: 23 }),
  );
  out.quantityZero = await refused(
    store.putLine({ cartId: 'c-user', variantId: 'v-white', quantity: 0, now: 23 }),
  );
  out.unknownVariant = await refused(
    store.putLine({ cartId: 'c-user', variantId: 'v-nope', quantity: 1, now: 23 }),
  );
  await store.deleteLine('c-user', 'v-blue');
  for (const variantId of ['v-z', 'v-a', 'v-m']) await store.deleteLine('c-user', variantId);
  out.afterDelete = (await store.lines('c-user')).map((l) => [l.variantId, l.quantity]);
  await store.putLine({ cartId: 'c-guest', variantId: 'v-white', quantity: 1, now: 24 });
  await store.clearLines('c-guest');
  out.afterClear = await store.lines('c-guest');
  await store.touch('c-user', 30);

  out.inserted = await store.insertDiscount(discountRow('d-new', 'NEW10', 40, 2));
  out.codeTaken = await store.insertDiscount(discountRow('d-dup', 'NEW10', 41, null));
  out.insertedUnlimited = await store.insertDiscount(discountRow('d-free', 'FREE', 42, null));
  out.discountIdByCode = await store.discountIdByCode('NEW10');
  out.noDiscountIdByCode = await store.discountIdByCode('new10');
  out.discountRule = await store.discountRule('d-new');
  out.noDiscountRule = await store.discountRule('d-nope');
  out.usedBy = await store.discountUsedBy('d-used', 'u1');
  out.notUsedBy = await store.discountUsedBy('d-used', 'u2');
  await store.setDiscount('c-user', 'd-new', 31);
  out.withDiscount = await store.cartOfUser('u1');
  out.unknownDiscount = await refused(store.setDiscount('c-user', 'd-nope', 32));
  out.redeemed = [
    await store.redeemDiscount('d-new'),
    await store.redeemDiscount('d-new'),
    await store.redeemDiscount('d-new'), // the limit is 2
    await store.redeemDiscount('d-nope'),
  ];
  await store.releaseDiscount('d-new');
  await store.releaseDiscount('d-free'); // never below zero
  out.deactivated = await store.deactivateDiscount('d-new');
  out.noDeactivated = await store.deactivateDiscount('d-nope');
  out.discounts = await store.discounts();
  await store.setDiscount('c-user', null, 33);
  out.withoutDiscount = await store.cartOfUser('u1');

  const option = { name: 'Standard', countries: ['FR', 'DE'], price: 500, freeOverSubtotal: 5000 };
  await store.insertShippingOption({ id: 's-std', ...option, minDays: 2, maxDays: 4 }, 50);
  await store.insertShippingOption(
    { id: 's-cheap', name: 'Zeta', countries: [], price: 0, freeOverSubtotal: null, minDays: 5, maxDays: 9 },
    51,
  );
  await store.insertShippingOption(
    { id: 's-alpha', name: 'Alpha', countries: [], price: 0, freeOverSubtotal: null, minDays: 5, maxDays: 9 },
    52,
  );
  out.badDays = await refused(
    store.insertShippingOption({ id: 's-bad', ...option, minDays: 5, maxDays: 1 }, 53),
  );
  out.updated = await store.updateShippingOption('s-std', {
    countries: ['US'],
    price: 700,
    minDays: 1,
    maxDays: 3,
  });
  out.noUpdated = await store.updateShippingOption('s-nope', { price: 1 });
  out.shippingOption = await store.shippingOption('s-std');
  out.noShippingOption = await store.shippingOption('s-nope');
  out.deleted = await store.deleteShippingOption('s-alpha');
  out.noDeleted = await store.deleteShippingOption('s-alpha');
  out.shippingOptions = await store.shippingOptions();

  await store.setTaxRate({ country: 'FR', rateBps: 2000 }, 60);
  await store.setTaxRate({ country: 'DE', rateBps: 1900 }, 60);
  await store.setTaxRate({ country: 'FR', rateBps: 550 }, 61);
  out.badRate = await refused(store.setTaxRate({ country: 'XX', rateBps: 10001 }, 62));
  out.taxRates = await store.taxRates();
  out.taxRateOf = [await store.taxRateOf('FR'), await store.taxRateOf('US')];

  await store.deleteCart('c-user');
  out.afterDeleteCart = [await store.cartOfUser('u1'), await store.lines('c-user')];
  return out;
}

describe.skipIf(unavailable)(
  suiteTitle('Cart store: the same answers on SQLite and PostgreSQL', unavailable),
  () => {
    let database: TestDatabase;
    let pg: PostgresHandle;
    let sqlite: DatabaseHandle;

    beforeAll(async () => {
      ({ database, handle: pg } = await openMigratedTestDatabase(12));
      sqlite = openDatabase(':memory:');
      for (const statement of FIXTURES) {
        sqlite.sqlite.exec(statement);
        await pg.pool.query(statement);
      }
    });
    afterAll(async () => {
      sqlite?.close();
      await pg?.close();
      await database?.drop();
    });

    it('answers every method alike, refusals included', async () => {
      const onSqlite = await scenario(createSqliteStores(sqlite.db).cart);
      const onPostgres = await scenario(createPostgresStores(pg.db).cart);
      expect(onPostgres).toEqual(onSqlite);
      // Spot checks that the scenario shows what it claims.
      expect(onSqlite.codeTaken).toBe(false);
      expect(onSqlite.redeemed).toEqual([true, true, false, false]);
      expect(onSqlite.quantityOver99).toBe(true);
      expect(onSqlite.lines).toMatchObject([
        { variantId: 'v-old', available: 0, imageUrl: null },
        { variantId: 'v-white', quantity: 3, available: 5, imageUrl: 'https://img.example/mug.jpg' },
        { variantId: 'v-blue', available: 0 },
        { variantId: 'v-z' },
        { variantId: 'v-a' },
        { variantId: 'v-m' },
      ]);
    });

    describe('under concurrency (PostgreSQL)', () => {
      let engine: Engine;
      beforeAll(() => {
        engine = createPostgresEngine(pg);
      });

      it('concurrent adds to one cart (its first writes included) lose no line and no unit', async () => {
        await pg.pool.query(`UPDATE variant SET stock = 50 WHERE id IN ('v-white', 'v-blue')`);
        const adds = Array.from({ length: 12 }, (_, i) =>
          changeCart(
            engine,
            { userId: 'u2' },
            { kind: 'add', variantId: i % 2 === 0 ? 'v-white' : 'v-blue', quantity: 1 },
            1000 + i,
          ),
        );
        const written = await Promise.all(adds);
        expect(new Set(written.map((w) => w.cart.id)).size).toBe(1);
        const lines = await engine.read.cart.lines(written[0]?.cart.id ?? '');
        expect(lines.map((l) => [l.variantId, l.quantity]).sort()).toEqual([
          ['v-blue', 6],
          ['v-white', 6],
        ]);
      });

      it('a discount limit holds when many orders redeem it at once', async () => {
        await pg.pool.query(
          `INSERT INTO discount (id, code, kind, value, max_redemptions, created_at) VALUES ('d-three', 'THREE', 'fixed', 100, 3, 0)`,
        );
        const redeemed = await Promise.all(
          Array.from({ length: 10 }, () => engine.transaction((tx) => tx.cart.redeemDiscount('d-three'))),
        );
        expect(redeemed.filter(Boolean)).toHaveLength(3);
        expect((await engine.read.cart.discountRule('d-three'))?.redemptions).toBe(3);
      });
    });
  },
);

/** What a service call answered or the reason it was refused, ids left out (each engine makes its own). */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await call, (key, value) => (key === 'id' ? typeof value : value)));
  } catch (error) {
    return { refused: error instanceof AppError ? error.reason : String(error) };
  }
}

/** The cart services, from a guest's first write to the admin's codes, on one engine. */
async function serviceScenario(engine: Engine) {
  const now = 1000;
  const facts = (userId: string | null) => ({ now, currency: 'USD', userId });
  const out: Record<string, unknown> = {};
  const first = await changeCart(engine, null, { kind: 'add', variantId: 'v-white', quantity: 2 }, now);
  const guest = { guestToken: first.newGuestToken ?? '' };
  out.guestToken = typeof first.newGuestToken;
  out.soldOut = await outcome(
    changeCart(engine, guest, { kind: 'add', variantId: 'v-blue', quantity: 1 }, now),
  );
  out.unknown = await outcome(
    changeCart(engine, guest, { kind: 'add', variantId: 'v-nope', quantity: 1 }, now),
  );
  out.tooMany = await outcome(
    changeCart(engine, guest, { kind: 'set', variantId: 'v-white', quantity: 100 }, now),
  );
  out.applied = await outcome(
    changeCart(engine, guest, { kind: 'applyDiscount', code: 'ONCE', userId: null }, now),
  );
  out.guestView = await outcome(viewCart(engine.read, await cartOf(engine.read, guest), facts(null)));
  const user = { userId: 'u1' };
  out.archived = await outcome(
    changeCart(engine, user, { kind: 'add', variantId: 'v-old', quantity: 1 }, now),
  );
  out.userAdd = await outcome(
    changeCart(engine, user, { kind: 'add', variantId: 'v-white', quantity: 4 }, now),
  );
  await moveGuestCart(engine, guest.guestToken, 'u1', now);
  out.guestGone = await cartOf(engine.read, guest);
  // The guest's code came along, but this customer used it already.
  out.merged = await outcome(viewCart(engine.read, await cartOf(engine.read, user), facts('u1')));
  out.usedCode = await outcome(
    changeCart(engine, user, { kind: 'applyDiscount', code: 'ONCE', userId: 'u1' }, now),
  );
  out.cleared = await outcome(changeCart(engine, user, { kind: 'clear' }, now));

  const code = { code: 'SPRING', kind: 'percent' as const, value: 15 };
  out.created = await outcome(addDiscount(engine, code, now));
  out.taken = await outcome(addDiscount(engine, code, now));
  out.noSuchCode = await outcome(endDiscount(engine, 'd-nope'));
  out.codes = await outcome(discountList(engine.read));
  const standard = { name: 'Standard', countries: ['FR', 'DE', 'FR'], price: 500, minDays: 2, maxDays: 4 };
  const option = await addShippingOption(engine, standard, now);
  out.badDays = await outcome(editShippingOption(engine, { id: option.id, minDays: 9 }));
  out.edited = await outcome(editShippingOption(engine, { id: option.id, price: 700 }));
  out.options = await outcome(shippingOptionList(engine.read));
  out.removed = await outcome(removeShippingOption(engine, option.id));
  out.removedAgain = await outcome(removeShippingOption(engine, option.id));
  out.rate = await outcome(putTaxRate(engine, { country: 'FR', rateBps: 2000 }, now));
  out.rates = await outcome(taxRateList(engine.read));
  return out;
}

const ONCE_CODE = `INSERT INTO discount (id, code, kind, value, once_per_customer, created_at) VALUES ('d-once', 'ONCE', 'fixed', 300, TRUE, 0)`;
const ONCE_USED = `INSERT INTO discount_redemption (order_id, discount_id, user_id, created_at) VALUES ('o1', 'd-once', 'u1', 0)`;

describe.skipIf(unavailable)(
  suiteTitle('Cart services: the same carts on SQLite and PostgreSQL', unavailable),
  () => {
    let database: TestDatabase;
    let pg: PostgresHandle;
    let sqlite: DatabaseHandle;

    beforeAll(async () => {
      ({ database, handle: pg } = await openMigratedTestDatabase(4));
      sqlite = openDatabase(':memory:');
      const statements = [
        ...FIXTURES.filter((s) => !s.includes('discount_redemption')),
        ONCE_CODE,
        ONCE_USED,
      ];
      for (const statement of statements) {
        sqlite.sqlite.exec(statement);
        await pg.pool.query(statement);
      }
    });
    afterAll(async () => {
      sqlite?.close();
      await pg?.close();
      await database?.drop();
    });

    it('answers every cart and admin call alike', async () => {
      const onSqlite = await serviceScenario(createSqliteEngine(sqlite));
      const onPostgres = await serviceScenario(createPostgresEngine(pg));
      expect(onPostgres).toEqual(onSqlite);
      expect(onSqlite).toMatchObject({
        soldOut: { refused: 'OUT_OF_STOCK' },
        unknown: { refused: 'VARIANT_NOT_FOUND' },
        tooMany: { refused: 'QUANTITY_LIMIT' },
        archived: { refused: 'VARIANT_NOT_FOUND' },
        merged: { itemCount: 5, discountProblem: { code: 'ONCE', reason: 'DISCOUNT_EXHAUSTED' } },
        usedCode: { refused: 'DISCOUNT_EXHAUSTED' },
        taken: { refused: 'DISCOUNT_CODE_TAKEN' },
        noSuchCode: { refused: 'DISCOUNT_NOT_FOUND' },
        badDays: { refused: 'INVALID_INPUT' },
        removedAgain: { refused: 'NOT_FOUND' },
      });
    });
  },
);
