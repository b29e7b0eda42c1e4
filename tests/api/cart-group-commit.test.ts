import { describe, expect } from 'vitest';
import { writeBatchCounters } from '../../db/sqlite/write-batch.js';
import type { TestApp } from '../helpers/app.js';
import { type CookieJar, callerFor, createTestClient, wireErrorData } from '../helpers/client.js';
import { TEST_ENGINE, tableRows } from '../helpers/database.js';
import { inOneBatch, sqliteOf } from '../helpers/group-commit.js';
import { customer } from '../helpers/shop.js';
import { it } from '../helpers/test.js';

const cartCount = async (app: TestApp) => (await tableRows(app, 'cart')).length;
/**
 * A shopper calling in-process (see callerFor), so that calls fired together start in one
 * event-loop turn: over sockets, when requests arrive is up to the kernel.
 */
const unbatched = (app: TestApp, client?: { jar: CookieJar }) => callerFor(app, client?.jar);
/**
 * Fires every call at once. On SQLite they must share one group commit (checked by inOneBatch);
 * PostgreSQL has no group commit: there they race as concurrent transactions, which must give the
 * same answers.
 */
const atOnce = <T>(app: TestApp, calls: (() => Promise<T>)[]) =>
  TEST_ENGINE === 'sqlite' ? inOneBatch(app, calls) : Promise.allSettled(calls.map((call) => call()));
const cartCookie = (client: { jar: CookieJar }) => client.jar.cookies.get('cart');

const reasonOf = async (result: PromiseSettledResult<unknown> | undefined) => {
  if (result?.status !== 'rejected') throw new Error('expected a refused call');
  return wireErrorData(result.reason);
};

describe('cart writes at once (in one group commit on SQLite)', () => {
  it('share one COMMIT across shoppers, and each is answered with its own cart', async ({ app, shop }) => {
    const signedIn = unbatched(app, (await customer(app)).client);
    await signedIn.cart.addItem({ variantId: shop.white, quantity: 1 });
    const returning = unbatched(app);
    await returning.cart.addItem({ variantId: shop.lampVariant, quantity: 2 });
    const newcomer = unbatched(app);
    const carts = await cartCount(app);

    const [added, set, removed] = await atOnce(app, [
      () => signedIn.cart.addItem({ variantId: shop.white, quantity: 2 }),
      () => returning.cart.setQuantity({ variantId: shop.blue, quantity: 3 }),
      () => newcomer.cart.addItem({ variantId: shop.lampVariant, quantity: 1 }),
      () => returning.cart.removeItem({ variantId: shop.lampVariant }),
    ]);
    expect(added?.status).toBe('fulfilled');
    expect(set?.status).toBe('fulfilled');
    expect(removed?.status).toBe('fulfilled');
    expect((await signedIn.cart.get()).items.map((i) => [i.sku, i.quantity])).toEqual([['MUG-W', 3]]);
    expect((await returning.cart.get()).items.map((i) => [i.sku, i.quantity])).toEqual([['MUG-B', 3]]);
    // The newcomer's guest cart was created in the batch, and its cookie set once it was committed.
    expect(cartCookie(newcomer)).toMatch(/^[a-z2-7]{32}$/);
    expect((await newcomer.cart.get()).items.map((i) => [i.sku, i.quantity])).toEqual([['LAMP', 1]]);
    expect(await cartCount(app)).toBe(carts + 1);
  });

  it('answer a refused write with its own error, undoing only its writes (the guest cart it would create too)', async ({
    app,
    shop,
  }) => {
    const signedIn = unbatched(app, (await customer(app)).client);
    const guest = unbatched(app);
    const soldOut = unbatched(app);
    const unknown = unbatched(app);
    const carts = await cartCount(app);

    const results = await atOnce(app, [
      () => guest.cart.addItem({ variantId: shop.white, quantity: 2 }),
      () => soldOut.cart.addItem({ variantId: shop.red, quantity: 1 }),
      () => signedIn.cart.setQuantity({ variantId: shop.blue, quantity: 2 }),
      () => unknown.cart.addItem({ variantId: 'no-such-variant', quantity: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(await reasonOf(results[1])).toMatchObject({ code: 'CONFLICT', reason: 'OUT_OF_STOCK' });
    expect(await reasonOf(results[3])).toMatchObject({ code: 'NOT_FOUND', reason: 'VARIANT_NOT_FOUND' });
    // Two carts were created (the guest's, the customer's); the refused guests got neither cart nor cookie.
    expect(await cartCount(app)).toBe(carts + 2);
    expect(cartCookie(soldOut)).toBeUndefined();
    expect(cartCookie(unknown)).toBeUndefined();
    expect((await guest.cart.get()).itemCount).toBe(2);
    expect((await signedIn.cart.get()).itemCount).toBe(2);
  });

  // SQLite only: a failing group COMMIT, forced with a SQLite temp trigger (PostgreSQL has no batch).
  it.skipIf(TEST_ENGINE === 'postgres')(
    'answer none before the COMMIT: when it fails, every write of the batch is a 503 and nothing is kept',
    async ({ app, shop }) => {
      const returning = unbatched(app);
      await returning.cart.addItem({ variantId: shop.white, quantity: 1 });
      const newcomer = unbatched(app);
      const carts = await cartCount(app);
      // A deferred foreign key broken by any new cart line: SQLite refuses only the COMMIT.
      sqliteOf(app).sqlite.exec(`
      CREATE TEMP TABLE anchor (id TEXT PRIMARY KEY);
      CREATE TEMP TABLE orphan (anchor_id TEXT REFERENCES anchor (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TEMP TRIGGER break_commit AFTER INSERT ON main.cart_item BEGIN INSERT INTO orphan VALUES ('x'); END;
    `);

      const before = writeBatchCounters(sqliteOf(app).db);
      const results = await Promise.allSettled([
        newcomer.cart.addItem({ variantId: shop.lampVariant, quantity: 1 }),
        returning.cart.addItem({ variantId: shop.blue, quantity: 1 }),
        returning.cart.setQuantity({ variantId: shop.white, quantity: 4 }),
      ]);
      expect(writeBatchCounters(sqliteOf(app).db).commits).toBe(before.commits);
      for (const result of results) {
        expect(await reasonOf(result)).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
      }
      expect(cartCookie(newcomer)).toBeUndefined();
      expect(await cartCount(app)).toBe(carts);

      sqliteOf(app).sqlite.exec('DROP TRIGGER temp.break_commit');
      expect((await returning.cart.get()).items.map((i) => [i.sku, i.quantity])).toEqual([['MUG-W', 1]]);
      // The same writes retried go through.
      await returning.cart.setQuantity({ variantId: shop.white, quantity: 4 });
      expect((await returning.cart.get()).itemCount).toBe(4);
    },
  );

  it('merge the guest cart at sign-in in the group commit (its unit counted on SQLite only)', async ({
    app,
    shop,
  }) => {
    const { client, account } = await customer(app);
    const credentials = { email: account.email, password: account.password };
    // The group commit's units exist on SQLite only: PostgreSQL just runs the work.
    const unitsOf = async (work: () => Promise<unknown>) => {
      if (TEST_ENGINE === 'postgres') return void (await work());
      const before = writeBatchCounters(sqliteOf(app).db).units;
      await work();
      return writeBatchCounters(sqliteOf(app).db).units - before;
    };
    // Sign-in's own writes (its rate-limit count, the session) are units too: the merge adds one.
    const plain = await unitsOf(() => createTestClient(app).auth.signIn.mutate(credentials));
    await client.auth.signOut.mutate();
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 2 });
    const merged = await unitsOf(() => client.auth.signIn.mutate(credentials));
    if (TEST_ENGINE === 'sqlite') expect((merged ?? 0) - (plain ?? 0)).toBe(1);
    expect((await client.cart.get.query()).items.map((i) => [i.sku, i.quantity])).toEqual([['MUG-W', 2]]);
    expect(await cartCount(app)).toBe(1);
  });
});
