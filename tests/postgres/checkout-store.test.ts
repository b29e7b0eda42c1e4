import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresStores } from '../../db/postgres/stores.js';
import { runTransaction } from '../../db/postgres/transaction.js';
import { type DatabaseHandle, openDatabase } from '../../db/sqlite/client.js';
import { createSqliteStores } from '../../db/sqlite/stores.js';
import { inWriteBatch } from '../../db/sqlite/write-batch.js';
import type { CheckoutStore, OrderPlacement } from '../../db/stores/checkout.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

/**
 * The checkout store's two implementations agree: `composedCheckout` (the other stores, one call
 * each; what SQLite runs) and `postgresCheckout` (one named statement per method). The same calls
 * run on a migrated SQLite file and on a fresh PostgreSQL database, each in a transaction of its
 * engine; the answers must be equal, and so must every row the placed order wrote (read back in
 * plain SQL). Refusals are rolled back, as placeOrder's SQLite transaction is; on PostgreSQL
 * placeOrder runs `place` outside any transaction, and a test below shows a refusal leaves nothing.
 * Generated ids (live_event, inventory_movement) are left out: a PostgreSQL sequence does not roll back.
 */
const unavailable = await postgresUnavailable();

/** The same rows on both engines: plain SQL both dialects read alike (no booleans, "user" quoted). */
const FIXTURES = [
  `INSERT INTO "user" (id, email, name, password_hash, created_at, updated_at) VALUES
     ('u1', 'one@example.com', 'One', 'x', 0, 0), ('u2', 'two@example.com', 'Two', 'x', 0, 0)`,
  `INSERT INTO product (id, slug, name, description, status, images, created_at, updated_at) VALUES
     ('p-mug', 'mug', 'Mug', 'A mug', 'active', '["https://img.example/mug.jpg"]', 0, 0),
     ('p-old', 'old', 'Old', 'Gone', 'archived', '[]', 0, 0)`,
  `INSERT INTO variant (id, product_id, sku, name, price, stock, created_at, updated_at) VALUES
     ('v-a', 'p-mug', 'MUG-A', 'A', 1200, 5, 0, 0),
     ('v-b', 'p-mug', 'MUG-B', 'B', 1500, 3, 0, 0),
     ('v-c', 'p-mug', 'MUG-C', 'C', 900, 4, 0, 0),
     ('v-d', 'p-mug', 'MUG-D', 'D', 900, 1, 0, 0),
     ('v-old', 'p-old', 'OLD-1', 'Old', 700, 7, 0, 0)`,
  `INSERT INTO discount (id, code, kind, value, max_redemptions, redemptions, created_at) VALUES
     ('d-room', 'ROOM', 'fixed', 500, 5, 1, 0), ('d-full', 'FULL', 'fixed', 500, 2, 2, 0)`,
  // Lines added in neither id nor price order: the answer keeps the order they were added in.
  `INSERT INTO cart (id, user_id, discount_id, created_at, updated_at) VALUES ('c1', 'u1', 'd-room', 0, 0)`,
  `INSERT INTO cart_item (cart_id, variant_id, quantity, added_at) VALUES
     ('c1', 'v-b', 2, 10), ('c1', 'v-old', 1, 20), ('c1', 'v-a', 1, 30)`,
  `INSERT INTO shipping_option (id, name, countries, price, free_over_subtotal, min_days, max_days, created_at)
     VALUES ('s-std', 'Standard', '["FR","DE"]', 500, 5000, 2, 4, 0)`,
  `INSERT INTO tax_rate (country, rate_bps, updated_at) VALUES ('FR', 2000, 0)`,
  `INSERT INTO webhook (id, url, events, secret, created_at) VALUES
     ('wh-1', 'https://hooks.example/1', '["order.created"]', 's1', 0),
     ('wh-2', 'https://hooks.example/2', '["order.paid","order.created"]', 's2', 0)`,
  // A key used before (by an order still starting its payment: no order id kept here, no answer).
  `INSERT INTO idempotency_key (user_id, key, request_hash, response, created_at) VALUES
     ('u1', 'key-used', 'hash-used', '{"earlier":true}', 0)`,
];

/** One engine: its checkout store inside one of its transactions, and its rows read back. */
interface Side {
  /** Runs `work` in a transaction, committed. */
  commit<T>(work: (store: CheckoutStore) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction and rolls it back (as placeOrder does on a refusal). */
  rollBack<T>(work: (store: CheckoutStore) => Promise<T>): Promise<T>;
  rows(query: string): Promise<unknown[]>;
}

class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back on purpose');
  }
}

function withRollBack(commit: Side['commit']): Side['rollBack'] {
  return async <T>(work: (store: CheckoutStore) => Promise<T>) => {
    try {
      await commit(async (store) => {
        throw new RolledBack(await work(store));
      });
    } catch (error) {
      if (error instanceof RolledBack) return error.value as T;
      throw error;
    }
    throw new Error('the transaction was not rolled back');
  };
}

function sqliteSide(handle: DatabaseHandle): Side {
  // As the SQLite engine does (db/sqlite/engine.ts): a unit of the group commit on the write connection.
  const commit: Side['commit'] = (work) =>
    inWriteBatch(handle.db, () => work(createSqliteStores(handle.db).checkout));
  return {
    commit,
    rollBack: withRollBack(commit),
    rows: async (query) => handle.sqlite.prepare(query).all(),
  };
}

function postgresSide(handle: PostgresHandle): Side {
  // As the PostgreSQL engine does (db/postgres/engine.ts): READ COMMITTED, stores on the transaction.
  const commit: Side['commit'] = (work) =>
    runTransaction(handle.db, (tx) => work(createPostgresStores(tx).checkout));
  return {
    commit,
    rollBack: withRollBack(commit),
    rows: async (query) => (await handle.pool.query(query)).rows,
  };
}

/** What pricing reads: a full cart, no cart, and an option and country that do not exist. */
async function factsOf(side: Side) {
  return side.rollBack(async (store) => ({
    full: await store.facts({ userId: 'u1', shippingOptionId: 's-std', country: 'FR' }),
    noCart: await store.facts({ userId: 'u2', shippingOptionId: 's-std', country: 'DE' }),
    unknown: await store.facts({ userId: 'u1', shippingOptionId: 's-nope', country: 'XX' }),
  }));
}

const NOW = 1_000;

/** The order `id` under key `key`, of the given stock lines (priced at 1000 each), no discount. */
function placement(id: string, key: string, stock: OrderPlacement['stock']): OrderPlacement {
  const lines = stock.map((line) => ({
    variantId: line.variantId,
    productId: line.productId,
    productName: 'Mug',
    variantName: line.variantId,
    sku: line.variantId.toUpperCase(),
    unitPrice: 1000,
    quantity: line.quantity,
    lineTotal: 1000 * line.quantity,
  }));
  const total = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  return {
    key: { userId: 'u1', key, requestHash: `hash-${key}`, now: NOW, response: `{"order":"${id}"}` },
    order: {
      id,
      // Distinct per order id: a number is unique.
      number: 2000 + Number(id.replace(/\D/g, '') || 9),
      userId: 'u1',
      email: 'one@example.com',
      currency: 'USD',
      subtotal: total,
      discountId: null,
      discountCode: null,
      discountAmount: 0,
      shippingOptionId: 's-std',
      shippingName: 'Standard',
      shippingPrice: 0,
      tax: 0,
      total,
      shippingAddress: '{"country":"FR"}',
      lines,
      payment: { id: `pay-${id}`, provider: 'manual' },
      now: NOW,
    },
    cartId: 'c1',
    messages: [],
    events: [{ topic: 'order', kind: 'order.created', orderId: id, data: '{"status":"pending_payment"}' }],
    stock,
  };
}

/** An order of two lines, in variant-id order, with a discount that has room left. */
const PLACEMENT: OrderPlacement = (() => {
  const base = placement('o1', 'key-1', [
    { variantId: 'v-a', productId: 'p-mug', quantity: 2 },
    { variantId: 'v-b', productId: 'p-mug', quantity: 1 },
  ]);
  return {
    ...base,
    order: { ...base.order, discountId: 'd-room', discountCode: 'ROOM', discountAmount: 500, total: 2500 },
    messages: [
      {
        id: 'm-mail',
        kind: 'mail',
        payload: '{"to":"one@example.com"}',
        webhookId: null,
        event: null,
        createdAt: NOW,
      },
      {
        id: 'm-wh-1',
        kind: 'webhook',
        payload: '{"id":"o1"}',
        webhookId: 'wh-1',
        event: 'order.created',
        createdAt: NOW,
      },
      // Its webhook is gone (deleted after the facts were read): not queued.
      {
        id: 'm-gone',
        kind: 'webhook',
        payload: '{"id":"o1"}',
        webhookId: 'wh-gone',
        event: 'order.created',
        createdAt: NOW,
      },
    ],
  };
})();

/** Every row a completed order touches, in a stable order, generated ids left out. */
async function rowsAfter(side: Side) {
  // Text keys sorted here, in code-point order: SQLite and PostgreSQL collations may differ.
  const byKey = (key: string) => (rows: unknown[]) =>
    [...(rows as Record<string, unknown>[])].sort((a, b) => {
      const [x, y] = [String(a[key]), String(b[key])];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return {
    variants: byKey('id')(await side.rows('SELECT id, stock, updated_at FROM variant')),
    products: byKey('id')(await side.rows('SELECT id, stock_total FROM product')),
    movements: await side.rows(
      `SELECT variant_id, delta, stock_after, reason, note, actor_id, order_id, created_at
       FROM inventory_movement ORDER BY id`,
    ),
    outbox: byKey('id')(
      await side.rows(
        `SELECT id, kind, payload, webhook_id, event, status, attempts, next_attempt_at, created_at
         FROM outbox_message`,
      ),
    ),
    live: await side.rows(
      `SELECT topic, kind, order_id, user_id, product_id, variant_id, data, created_at
       FROM live_event ORDER BY id`,
    ),
    cartItems: await side.rows(`SELECT variant_id FROM cart_item WHERE cart_id = 'c1'`),
    cart: await side.rows(`SELECT id, discount_id, updated_at FROM cart WHERE id = 'c1'`),
    keys: byKey('key')(await side.rows('SELECT key, request_hash, order_id, response FROM idempotency_key')),
    orders: byKey('id')(
      await side.rows(
        'SELECT id, number, user_id, status, discount_id, total, created_at FROM customer_order',
      ),
    ),
    orderLines: await side.rows(
      'SELECT order_id, variant_id, quantity, line_total FROM order_line ORDER BY order_id, variant_id',
    ),
    history: await side.rows('SELECT order_id, status, actor_id, created_at FROM order_event ORDER BY id'),
    payments: await side.rows('SELECT id, order_id, provider, status, amount FROM payment ORDER BY id'),
    discounts: byKey('id')(await side.rows('SELECT id, redemptions FROM discount')),
    redemptions: await side.rows(
      'SELECT order_id, discount_id, user_id, created_at FROM discount_redemption',
    ),
  };
}

/** Orders refused for their stock: the second line short, both short. */
const SECOND_SHORT = placement('o2', 'key-2', [
  { variantId: 'v-c', productId: 'p-mug', quantity: 2 },
  { variantId: 'v-d', productId: 'p-mug', quantity: 2 },
]);
const BOTH_SHORT = placement('o2', 'key-2', [
  { variantId: 'v-c', productId: 'p-mug', quantity: 9 },
  { variantId: 'v-d', productId: 'p-mug', quantity: 2 },
]);
/** An order whose discount is used up. */
const EXHAUSTED: OrderPlacement = (() => {
  const base = placement('o3', 'key-3', [{ variantId: 'v-c', productId: 'p-mug', quantity: 1 }]);
  return { ...base, order: { ...base.order, discountId: 'd-full', discountCode: 'FULL' } };
})();

/** The refusals, each rolled back: short stock (the second line, then both), a used-up discount. */
async function refusalsOf(side: Side) {
  return {
    secondShort: await side.rollBack((store) => store.place(SECOND_SHORT)),
    bothShort: await side.rollBack((store) => store.place(BOTH_SHORT)),
    exhausted: await side.rollBack((store) => store.place(EXHAUSTED)),
    // A used key comes before the stock: a retry whose first request took the last units replays it.
    shortWithUsedKey: await side.rollBack((store) =>
      store.place({ ...BOTH_SHORT, key: { ...BOTH_SHORT.key, key: 'key-used' } }),
    ),
  };
}

describe.skipIf(unavailable)(
  suiteTitle('Checkout store: one PostgreSQL statement writes what the composed stores write', unavailable),
  () => {
    let database: TestDatabase;
    let pg: PostgresHandle;
    let sqlite: DatabaseHandle;
    let dir: string;
    let onSqlite: Side;
    let onPostgres: Side;

    beforeAll(async () => {
      ({ database, handle: pg } = await openMigratedTestDatabase(2));
      dir = mkdtempSync(join(tmpdir(), 'backroom-checkout-'));
      sqlite = openDatabase(join(dir, 'shop.db'));
      for (const statement of FIXTURES) {
        sqlite.sqlite.exec(statement);
        await pg.pool.query(statement);
      }
      onSqlite = sqliteSide(sqlite);
      onPostgres = postgresSide(pg);
    });
    afterAll(async () => {
      sqlite?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      await pg?.close();
      await database?.drop();
    });

    it('facts: the same cart, lines (in the order added), option, rate and webhooks', async () => {
      const facts = await factsOf(onSqlite);
      expect(await factsOf(onPostgres)).toEqual(facts);
      // The scenario shows what it claims.
      expect(facts.full).toMatchObject({
        cart: { id: 'c1', discountId: 'd-room' },
        option: { id: 's-std', countries: ['FR', 'DE'] },
        rateBps: 2000,
        webhooks: [
          { id: 'wh-1', events: '["order.created"]' },
          { id: 'wh-2', events: '["order.paid","order.created"]' },
        ],
      });
      expect(facts.full.lines.map((l) => [l.variantId, l.quantity, l.available, l.imageUrl])).toEqual([
        ['v-b', 2, 3, 'https://img.example/mug.jpg'],
        ['v-old', 1, 0, null],
        ['v-a', 1, 5, 'https://img.example/mug.jpg'],
      ]);
      expect(facts.noCart).toMatchObject({ cart: undefined, lines: [], rateBps: undefined });
      expect(facts.noCart.option?.id).toBe('s-std');
      expect(facts.unknown).toMatchObject({ option: undefined, rateBps: undefined });
      expect(facts.unknown.lines).toHaveLength(3);
    });

    it('orderFacts: the facts, the key used before, and a number for the new order', async () => {
      const query = { userId: 'u1', shippingOptionId: 's-std', country: 'FR' };
      const run = (side: Side) =>
        side.rollBack(async (store) => ({
          free: await store.orderFacts({ ...query, key: 'key-free' }),
          used: await store.orderFacts({ ...query, key: 'key-used' }),
          facts: await store.facts(query),
        }));
      const composed = await run(onSqlite);
      const oneStatement = await run(onPostgres);
      // Numbers: SQLite's is the highest so far plus one; PostgreSQL's a sequence's, new on each call.
      const withoutNumbers = (r: typeof composed) => ({
        free: { ...r.free, number: 0 },
        used: r.used,
        facts: r.facts,
      });
      expect(withoutNumbers(oneStatement)).toEqual(withoutNumbers(composed));
      expect(composed.free).toEqual({ ...composed.facts, previous: undefined, number: 1001 });
      expect(composed.used.previous).toEqual({
        requestHash: 'hash-used',
        orderId: null,
        response: '{"earlier":true}',
      });
      expect(oneStatement.free.number).toBeGreaterThanOrEqual(1001);
      // A used key (a replay) takes no number on either engine, nor does a cart without lines.
      expect([composed.used.number, oneStatement.used.number]).toEqual([null, null]);
      const empty = (side: Side) =>
        side.rollBack((store) => store.orderFacts({ ...query, userId: 'u2', key: 'key-free' }));
      expect([(await empty(onSqlite)).number, (await empty(onPostgres)).number]).toEqual([null, null]);
    });

    it('place: the same answer and the same rows afterwards', async () => {
      const done = await onSqlite.commit((store) => store.place(PLACEMENT));
      expect(await onPostgres.commit((store) => store.place(PLACEMENT))).toEqual(done);
      expect(done).toEqual({
        ok: true,
        left: [
          { variantId: 'v-a', productId: 'p-mug', available: 3 },
          { variantId: 'v-b', productId: 'p-mug', available: 2 },
        ],
      });

      const rows = await rowsAfter(onSqlite);
      expect(await rowsAfter(onPostgres)).toEqual(rows);
      // What both wrote, spelled out.
      expect(rows.variants).toEqual([
        { id: 'v-a', stock: 3, updated_at: NOW },
        { id: 'v-b', stock: 2, updated_at: NOW },
        { id: 'v-c', stock: 4, updated_at: 0 },
        { id: 'v-d', stock: 1, updated_at: 0 },
        { id: 'v-old', stock: 7, updated_at: 0 },
      ]);
      const movement = { reason: 'order', note: null, actor_id: 'u1', order_id: 'o1', created_at: NOW };
      expect(rows.movements).toEqual([
        { variant_id: 'v-a', delta: -2, stock_after: 3, ...movement },
        { variant_id: 'v-b', delta: -1, stock_after: 2, ...movement },
      ]);
      expect(rows.outbox.map((m) => [m.id, m.kind, m.webhook_id, m.event])).toEqual([
        ['m-mail', 'mail', null, null],
        ['m-wh-1', 'webhook', 'wh-1', 'order.created'],
      ]);
      const stock = {
        topic: 'stock',
        kind: 'stock.changed',
        order_id: null,
        user_id: null,
        product_id: 'p-mug',
      };
      expect(rows.live).toEqual([
        {
          topic: 'order',
          kind: 'order.created',
          order_id: 'o1',
          user_id: null,
          product_id: null,
          variant_id: null,
          data: '{"status":"pending_payment"}',
          created_at: NOW,
        },
        { ...stock, variant_id: 'v-a', data: '{"available":3}', created_at: NOW },
        { ...stock, variant_id: 'v-b', data: '{"available":2}', created_at: NOW },
      ]);
      expect(rows.cartItems).toEqual([]);
      expect(rows.cart).toEqual([{ id: 'c1', discount_id: null, updated_at: NOW }]);
      expect(rows.keys).toEqual([
        { key: 'key-1', request_hash: 'hash-key-1', order_id: 'o1', response: '{"order":"o1"}' },
        { key: 'key-used', request_hash: 'hash-used', order_id: null, response: '{"earlier":true}' },
      ]);
      expect(rows.orders).toEqual([
        {
          id: 'o1',
          number: 2001,
          user_id: 'u1',
          status: 'pending_payment',
          discount_id: 'd-room',
          total: 2500,
          created_at: NOW,
        },
      ]);
      expect(rows.orderLines).toEqual([
        { order_id: 'o1', variant_id: 'v-a', quantity: 2, line_total: 2000 },
        { order_id: 'o1', variant_id: 'v-b', quantity: 1, line_total: 1000 },
      ]);
      expect(rows.history).toEqual([
        { order_id: 'o1', status: 'pending_payment', actor_id: 'u1', created_at: NOW },
      ]);
      expect(rows.payments).toEqual([
        { id: 'pay-o1', order_id: 'o1', provider: 'manual', status: 'pending', amount: 2500 },
      ]);
      expect(rows.discounts).toEqual([
        { id: 'd-full', redemptions: 2 },
        { id: 'd-room', redemptions: 2 },
      ]);
      expect(rows.redemptions).toEqual([
        { order_id: 'o1', discount_id: 'd-room', user_id: 'u1', created_at: NOW },
      ]);
    });

    it('place with a key used before: KEY_TAKEN, and nothing written', async () => {
      const taken = placement('o-again', 'key-used', [{ variantId: 'v-c', productId: 'p-mug', quantity: 1 }]);
      const composed = await onSqlite.commit((store) => store.place(taken));
      expect(await onPostgres.commit((store) => store.place(taken))).toEqual(composed);
      expect(composed).toEqual({ ok: false, reason: 'KEY_TAKEN' });
      const written = `SELECT (SELECT count(*) FROM customer_order WHERE id = 'o-again') AS orders,
        (SELECT stock FROM variant WHERE id = 'v-c') AS stock`;
      expect(await onSqlite.rows(written)).toEqual([{ orders: 0, stock: 4 }]);
      expect(await onPostgres.rows(written)).toEqual([{ orders: 0, stock: 4 }]);
    });

    it('place refusals: the same short line, the same exhausted discount', async () => {
      const refusals = await refusalsOf(onSqlite);
      expect(await refusalsOf(onPostgres)).toEqual(refusals);
      expect(refusals).toEqual({
        secondShort: { ok: false, reason: 'OUT_OF_STOCK', variantId: 'v-d' },
        bothShort: { ok: false, reason: 'OUT_OF_STOCK', variantId: 'v-c' },
        exhausted: { ok: false, reason: 'DISCOUNT_EXHAUSTED' },
        shortWithUsedKey: { ok: false, reason: 'KEY_TAKEN' },
      });
      // Rolled back: the stock they would have taken is still there.
      const left = `SELECT id, stock FROM variant WHERE id IN ('v-c', 'v-d') ORDER BY stock`;
      const expected = [
        { id: 'v-d', stock: 1 },
        { id: 'v-c', stock: 4 },
      ];
      expect(await onSqlite.rows(left)).toEqual(expected);
      expect(await onPostgres.rows(left)).toEqual(expected);
    });

    // placeOrder runs `place` on its own on PostgreSQL (Engine.readThenWrite): the statement decides
    // before it writes, so a refusal writes nothing, the order row and the first line's stock included.
    it('place on PostgreSQL outside a transaction: a refusal leaves nothing behind', async () => {
      const store = createPostgresStores(pg.db).checkout;
      expect(await store.place(SECOND_SHORT)).toEqual({
        ok: false,
        reason: 'OUT_OF_STOCK',
        variantId: 'v-d',
      });
      expect(await store.place(EXHAUSTED)).toEqual({ ok: false, reason: 'DISCOUNT_EXHAUSTED' });
      const left = await onPostgres.rows(`SELECT
        (SELECT count(*) FROM customer_order WHERE id IN ('o2', 'o3'))::integer AS orders,
        (SELECT count(*) FROM idempotency_key WHERE key IN ('key-2', 'key-3'))::integer AS keys,
        (SELECT count(*) FROM inventory_movement WHERE order_id IN ('o2', 'o3'))::integer AS movements,
        (SELECT stock FROM variant WHERE id = 'v-c') AS stock`);
      expect(left).toEqual([{ orders: 0, keys: 0, movements: 0, stock: 4 }]);
    });

    // A refusal is an answer, not an error: had the statement raised (an ERROR, and the whole statement
    // in the server's log), the transaction would be aborted and the next query refused (25P02).
    it('place on PostgreSQL: a refusal raises nothing (the transaction it runs in goes on)', async () => {
      const after = await onPostgres.rollBack(async (store) => {
        const refused = [await store.place(SECOND_SHORT), await store.place(EXHAUSTED)];
        return {
          refused,
          next: await store.facts({ userId: 'u1', shippingOptionId: 's-std', country: 'FR' }),
        };
      });
      expect(after.refused.map((r) => r.ok || r.reason)).toEqual(['OUT_OF_STOCK', 'DISCOUNT_EXHAUSTED']);
      expect(after.next.cart).toBeDefined();
    });

    it('place with no stock to take: the same answer, the discount counted', async () => {
      // placeOrder never sends an empty order (CART_EMPTY first), but the store's contract allows it.
      const empty = (side: Side) =>
        side.rollBack((store) =>
          store.place({
            ...placement('o3', 'key-3', []),
            order: { ...placement('o3', 'key-3', []).order, discountId: 'd-room' },
          }),
        );
      const done = await empty(onSqlite);
      expect(await empty(onPostgres)).toEqual(done);
      expect(done).toEqual({ ok: true, left: [] });
    });

    // The webhooks come in id order on both engines (webhookSubscriptions and the statement sort
    // alike), whatever order they were created in: the order's webhook messages are queued alike.
    it('facts: webhooks created out of id order come in id order on both', async () => {
      const hook = `INSERT INTO webhook (id, url, events, secret, created_at)
        VALUES ('wh-0', 'https://hooks.example/0', '["order.created"]', 's0', 1)`;
      sqlite.sqlite.exec(hook);
      await pg.pool.query(hook);
      const query = { userId: 'u2', shippingOptionId: 's-std', country: 'FR' };
      const composed = await onSqlite.rollBack((store) => store.facts(query));
      const oneStatement = await onPostgres.rollBack((store) => store.facts(query));
      expect(composed.webhooks.map((w) => w.id)).toEqual(['wh-0', 'wh-1', 'wh-2']);
      expect(oneStatement).toEqual(composed);
    });
  },
);
