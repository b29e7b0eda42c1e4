import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest, type TestClient } from '../helpers/client.js';
import { customer, placeOrder, type Shop, setupShop } from '../helpers/shop.js';

/**
 * What an attacker would send, over the HTTP surface: every answer must be a clear 4xx (or a
 * harmless success for reads), never a 5xx, and nothing may change that the call did not own.
 */
let t: TestApp;
let shop: Shop;
let buyer: TestClient;

beforeEach(async () => {
  t = createTestApp();
  shop = await setupShop(t);
  buyer = (await customer(t)).client;
  await placeOrder(buyer, shop, [{ variantId: shop.white, quantity: 1 }]);
});
afterEach(() => t.close());

/** A fingerprint of everything stored: row counts per table and the stock of every variant. */
function snapshot() {
  const tables = t.deps.db.all<{ name: string }>(
    sql`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search%' AND name <> 'rate_limit' AND name <> 'session'`,
  );
  const counts = tables.map(({ name }) => [
    name,
    t.deps.sqlite.prepare(`SELECT count(*) FROM "${name}"`).pluck().get(),
  ]);
  const stock = t.deps.sqlite
    .prepare("SELECT group_concat(id || ':' || stock) FROM (SELECT id, stock FROM variant ORDER BY id)")
    .pluck()
    .get();
  return JSON.stringify({ counts, stock });
}

const PAYLOADS = [
  "' OR '1'='1",
  '"; DROP TABLE user; --',
  '1); DELETE FROM product; --',
  'NEAR(a b)',
  '"unterminated',
  'col:name* -x ^y',
  '%',
  '_',
  '\\%_\\',
  '<script>alert(1)</script>',
  '\u202egnp.exe',
  'zero\u200bwidth',
  'nul\u0000byte',
  'lone \ud800 surrogate',
  '🙂🚀👩‍👩‍👧',
  'x'.repeat(300),
];

async function expectNot5xx(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
    expect(status, String(error)).toBeDefined();
    expect(status).toBeLessThan(500);
  }
}

describe('injection and odd text in every string field', () => {
  it('answers read and write calls with 2xx/4xx only, and read calls change nothing', async () => {
    const anonymous = createTestClient(t);
    const before = snapshot();
    for (const text of PAYLOADS) {
      await expectNot5xx(() => anonymous.catalog.products.query({ q: text.slice(0, 100) }));
      await expectNot5xx(() => anonymous.catalog.product.query({ slug: text.slice(0, 100) }));
      await expectNot5xx(() => anonymous.catalog.products.query({ category: text }));
      await expectNot5xx(() => anonymous.auth.signIn.mutate({ email: text, password: text.slice(0, 128) }));
      await expectNot5xx(() =>
        anonymous.auth.resetPassword.mutate({ token: text.slice(0, 200), newPassword: 'a-new-password' }),
      );
      await expectNot5xx(() => anonymous.auth.verifyEmail.mutate({ token: text.slice(0, 200) }));
      await expectNot5xx(() => buyer.cart.applyDiscount.mutate({ code: text.slice(0, 64) }));
      await expectNot5xx(() => buyer.cart.addItem.mutate({ variantId: text.slice(0, 64), quantity: 1 }));
      await expectNot5xx(() => buyer.orders.get.query({ id: text.slice(0, 64) }));
      await expectNot5xx(() => shop.admin.admin.users.list.query({ q: text.slice(0, 100), limit: 5 }));
      await expectNot5xx(() => shop.admin.admin.orders.list.query({ q: text.slice(0, 100), limit: 5 }));
      await expectNot5xx(() => shop.admin.admin.products.list.query({ q: text.slice(0, 100), limit: 5 }));
    }
    expect(snapshot()).toBe(before);
    // LIKE wildcards match only themselves.
    expect((await shop.admin.admin.users.list.query({ q: '%', limit: 5 })).items).toEqual([]);
    expect((await shop.admin.admin.orders.list.query({ q: '_', limit: 5 })).items).toEqual([]);
  });

  it('stores odd text verbatim where it is data (names), and returns it unchanged', async () => {
    for (const name of PAYLOADS.filter((p) => !p.includes('\u0000') && p.length <= 100)) {
      const client = createTestClient(t);
      const { user } = await client.auth.signUp.mutate(newAccount({ name }));
      expect(user.name).toBe(name.trim());
    }
  });
});

describe('malformed and hostile bodies', () => {
  const post = (path: string, body: string) =>
    rawRequest(t, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('rejects prototype-pollution keys and pollutes nothing', async () => {
    const before = snapshot();
    for (const body of [
      `{"__proto__":{"role":"admin"},"email":"p@example.com","password":"password-1","name":"P"}`,
      `{"constructor":{"prototype":{"role":"admin"}},"email":"p@example.com","password":"password-1","name":"P"}`,
      `{"email":"p@example.com","password":"password-1","name":"P","role":"admin","emailVerified":true}`,
    ]) {
      const response = await post('/trpc/auth.signUp', body);
      expect(response.status).toBe(400);
    }
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect(snapshot()).toBe(before);
  });

  it('answers 400, never 500, to deep nesting, wrong types and numbers out of range', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const bodies: [string, string][] = [
      ['/trpc/auth.signUp', deep],
      ['/trpc/cart.addItem', `{"variantId":"${shop.white}","quantity":1e309}`],
      ['/trpc/cart.addItem', `{"variantId":"${shop.white}","quantity":"5"}`],
      ['/trpc/cart.addItem', `{"variantId":"${shop.white}","quantity":-1}`],
      ['/trpc/cart.addItem', `{"variantId":{"$gt":""},"quantity":1}`],
      ['/trpc/cart.addItem', `{"variantId":["a"],"quantity":1}`],
      ['/trpc/cart.addItem', 'null'],
      ['/trpc/cart.addItem', '[]'],
      ['/trpc/auth.signIn,auth.signIn?batch=1', '{"0":{"email":1},"1":null}'],
    ];
    for (const [path, body] of bodies) {
      const response = await post(path, body);
      expect(response.status, `${path} ${body.slice(0, 40)}`).toBeLessThan(500);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toMatch(/SqliteError|at .*\.ts|RangeError|stack/i);
    }
    const huge = await rawRequest(
      t,
      `/trpc/catalog.products?input=${encodeURIComponent(JSON.stringify({ limit: 1e20 }))}`,
    );
    expect(huge.status).toBe(400);
  });
});

describe('access', () => {
  it('refuses an admin call hidden in a customer batch while the public calls succeed', async () => {
    const cookie = buyer.jar.header();
    const response = await rawRequest(t, '/trpc/store.info,admin.users.list,auth.me?batch=1', {
      headers: { cookie },
    });
    const answers = (await response.json()) as { result?: unknown; error?: { data: { code: string } } }[];
    expect(answers[0]?.result).toBeDefined();
    expect(answers[1]?.error?.data.code).toBe('FORBIDDEN');
    expect(answers[2]?.result).toBeDefined();
  });

  it('never returns a secret: password hashes, token hashes or webhook secrets after creation', async () => {
    await shop.admin.admin.webhooks.create.mutate({ url: 'https://hooks.example/x', events: ['order.paid'] });
    const answers = JSON.stringify([
      await buyer.auth.me.query(),
      await buyer.orders.list.query(),
      await buyer.cart.get.query(),
      await shop.admin.admin.users.list.query(),
      await shop.admin.admin.webhooks.list.query(),
      await shop.admin.admin.orders.list.query(),
    ]);
    const sessionIds = t.deps.db.all<{ id: string }>(sql`SELECT id FROM session`).map((r) => r.id);
    for (const secret of ['argon2', 'password', 'whsec_', 'Hash', ...sessionIds])
      expect(answers).not.toContain(secret);
  });
});
