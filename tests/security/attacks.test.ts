import { describe, expect } from 'vitest';
import { ensureAdmin } from '../../server/services/accounts/auth.js';
import type { TestApp } from '../helpers/app.js';
import { CookieJar, newAccount } from '../helpers/client.js';
import { tableRows, testSql } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { ADMIN } from '../helpers/fixtures.js';
import { httpClient } from '../helpers/http-client.js';
import { customer, placeOrder } from '../helpers/shop.js';
import { test } from '../helpers/test.js';

/**
 * What an attacker would send, over real HTTP to a listening server: every answer must be a clear
 * 4xx (or a harmless success for reads), never a 5xx, and nothing may change that the call did
 * not own. Clients over the socket, as fixtures on the shop: `buyer` (a customer with an order, and
 * `buyerJar`, its cookies), `owner` (the admin) and `anonymous` (nobody); `url` is the server's.
 */
type Client = ReturnType<typeof httpClient>;
const it = test
  .extend('url', async ({ app }) => app.url())
  .extend('buyerJar', async ({ app, shop, url }) => {
    const { client, account } = await customer(app);
    await placeOrder(client, shop, [{ variantId: shop.white, quantity: 1 }]);
    const jar = new CookieJar();
    await httpClient(url, { jar }).auth.signIn.mutate({ email: account.email, password: account.password });
    return jar;
  })
  .extend('buyer', async ({ url, buyerJar }): Promise<Client> => httpClient(url, { jar: buyerJar }))
  .extend('owner', async ({ app, url }): Promise<Client> => {
    await ensureAdmin(app.deps.engine, app.deps.passwords, ADMIN.email, ADMIN.password, app.clock.now());
    const owner = httpClient(url);
    await owner.auth.signIn.mutate(ADMIN);
    return owner;
  })
  .extend('anonymous', async ({ url }): Promise<Client> => httpClient(url));

const send = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);

/** A fingerprint of everything stored: row counts per table and the stock of every variant. */
async function snapshot(app: TestApp) {
  const db = testSql(app);
  const tables = await db.all<{ name: string }>(
    app.deps.engine.kind === 'sqlite'
      ? "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'product_search%' AND name <> 'rate_limit' AND name <> 'session' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'product_search%' AND table_name <> 'rate_limit' AND table_name <> 'session' ORDER BY table_name",
  );
  const counts: [string, number][] = [];
  for (const { name } of tables) {
    const [row] = await db.all<{ n: number | string }>(`SELECT count(*) AS n FROM "${name}"`);
    counts.push([name, Number(row?.n)]);
  }
  const stock = (await tableRows(app, 'variant'))
    .map(({ id, stock }) => `${id}:${stock}`)
    .sort()
    .join(',');
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
  it('answers read and write calls with 2xx/4xx only, and read calls change nothing', async ({
    app,
    buyer,
    owner,
    anonymous,
  }) => {
    const before = await snapshot(app);
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
      await expectNot5xx(() => owner.admin.users.list.query({ q: text.slice(0, 100), limit: 5 }));
      await expectNot5xx(() => owner.admin.orders.list.query({ q: text.slice(0, 100), limit: 5 }));
      await expectNot5xx(() => owner.admin.products.list.query({ q: text.slice(0, 100), limit: 5 }));
    }
    expect(await snapshot(app)).toBe(before);
    // LIKE wildcards match only themselves.
    expect((await owner.admin.users.list.query({ q: '%', limit: 5 })).items).toEqual([]);
    expect((await owner.admin.orders.list.query({ q: '_', limit: 5 })).items).toEqual([]);
  });

  it('stores odd text verbatim where it is data (names), and returns it unchanged', async ({ url }) => {
    for (const name of PAYLOADS.filter((p) => !p.includes('\u0000') && p.length <= 100)) {
      const { user } = await httpClient(url).auth.signUp.mutate(newAccount({ name }));
      expect(user.name).toBe(name.trim());
    }
  });

  it('refuses a NUL character in text with 400 INVALID_INPUT, on either engine (PostgreSQL text cannot hold one)', async ({
    buyer,
    owner,
    anonymous,
  }) => {
    const nul = 'nul\u0000byte';
    for (const call of [
      () => anonymous.catalog.product.query({ slug: nul }),
      () => anonymous.auth.signUp.mutate(newAccount({ name: nul })),
      () => buyer.cart.applyDiscount.mutate({ code: nul }),
      () => buyer.cart.addItem.mutate({ variantId: nul, quantity: 1 }),
      () => buyer.orders.get.query({ id: nul }),
      () => owner.admin.users.list.query({ q: nul, limit: 5 }),
      () => owner.admin.orders.list.query({ q: nul, limit: 5 }),
    ]) {
      const error = await errorOf(call());
      expect(error.data).toMatchObject({ httpStatus: 400, reason: 'INVALID_INPUT' });
    }
    // Search text drops control characters before the query: it answers, with no error.
    expect(Array.isArray((await anonymous.catalog.products.query({ q: nul })).items)).toBe(true);
  });
});

describe('malformed and hostile bodies', () => {
  const post = (url: string, path: string, body: string) =>
    send(url, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('rejects prototype-pollution keys and pollutes nothing', async ({ app, url }) => {
    const before = await snapshot(app);
    for (const body of [
      `{"__proto__":{"role":"admin"},"email":"p@example.com","password":"password-1","name":"P"}`,
      `{"constructor":{"prototype":{"role":"admin"}},"email":"p@example.com","password":"password-1","name":"P"}`,
      `{"email":"p@example.com","password":"password-1","name":"P","role":"admin","emailVerified":true}`,
    ]) {
      const response = await post(url, '/trpc/auth.signUp', body);
      expect(response.status).toBe(400);
    }
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    expect(await snapshot(app)).toBe(before);
  });

  it('answers 400, never 500, to deep nesting, wrong types and numbers out of range', async ({
    shop,
    url,
  }) => {
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
      const response = await post(url, path, body);
      expect(response.status, `${path} ${body.slice(0, 40)}`).toBeLessThan(500);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toMatch(/SqliteError|at .*\.ts|RangeError|stack/i);
    }
    const huge = await send(
      url,
      `/trpc/catalog.products?input=${encodeURIComponent(JSON.stringify({ limit: 1e20 }))}`,
    );
    expect(huge.status).toBe(400);
  });
});

describe('access', () => {
  it('refuses every admin procedure inside a batch with public calls, for customers and for nobody', async ({
    app,
    shop,
    url,
    buyerJar,
  }) => {
    const queries: [string, unknown][] = [
      ['admin.products.list', {}],
      ['admin.products.get', { id: 'x' }],
      ['admin.inventory.lowStock', {}],
      ['admin.inventory.ledger', { variantId: shop.white, limit: 5 }],
      ['admin.discounts.list', undefined],
      ['admin.shipping.list', undefined],
      ['admin.tax.list', undefined],
      ['admin.orders.list', {}],
      ['admin.orders.get', { id: 'x' }],
      ['admin.users.list', {}],
      ['admin.reports.sales', { from: '2026-01-01', to: '2026-01-02' }],
      ['admin.webhooks.list', undefined],
      ['admin.webhooks.deliveries', { webhookId: 'x' }],
    ];
    const mutations: [string, unknown][] = [
      ['admin.categories.create', { slug: 'evil', name: 'Evil' }],
      ['admin.categories.update', { id: 'x', name: 'Evil' }],
      ['admin.categories.delete', { id: 'x' }],
      [
        'admin.products.create',
        { slug: 'evil', name: 'E', description: '', variants: [{ sku: 'E', name: 'E', price: 1, stock: 1 }] },
      ],
      ['admin.products.update', { id: shop.mug.id, name: 'Evil' }],
      ['admin.products.archive', { id: shop.mug.id }],
      ['admin.variants.create', { productId: shop.mug.id, sku: 'EVIL', name: 'E', price: 0, stock: 99 }],
      ['admin.variants.update', { id: shop.white, price: 0 }],
      ['admin.inventory.adjust', { variantId: shop.white, delta: 1000, reason: 'evil' }],
      ['admin.discounts.create', { code: 'EVIL', kind: 'percent', value: 100 }],
      ['admin.discounts.deactivate', { id: 'x' }],
      ['admin.shipping.create', { name: 'Free', countries: [], price: 0, minDays: 1, maxDays: 2 }],
      ['admin.shipping.update', { id: shop.standard.id, price: 0 }],
      ['admin.shipping.delete', { id: shop.standard.id }],
      ['admin.tax.set', { country: 'US', rateBps: 0 }],
      ['admin.orders.markPaid', { id: 'x' }],
      ['admin.orders.fulfill', { id: 'x' }],
      ['admin.orders.markDelivered', { id: 'x' }],
      ['admin.orders.cancel', { id: 'x' }],
      ['admin.users.setRole', { id: 'x', role: 'admin' }],
      ['admin.webhooks.create', { url: 'https://evil.example', events: ['order.paid'] }],
      ['admin.webhooks.delete', { id: 'x' }],
    ];
    const before = await snapshot(app);
    for (const [who, cookie, code] of [
      ['customer', buyerJar.header(), 'FORBIDDEN'],
      ['nobody', '', 'UNAUTHORIZED'],
    ] as const) {
      for (const [path, input] of queries) {
        const batchInput = encodeURIComponent(JSON.stringify({ 1: input }));
        const response = await send(
          url,
          `/trpc/store.info,${path},catalog.categories?batch=1&input=${batchInput}`,
          {
            headers: { cookie },
          },
        );
        const answers = (await response.json()) as { result?: unknown; error?: { data: { code: string } } }[];
        expect(
          [answers[0]?.result !== undefined, answers[1]?.error?.data.code, answers[2]?.result !== undefined],
          `${who} ${path}`,
        ).toEqual([true, code, true]);
      }
      for (const [path, input] of mutations) {
        const response = await send(url, `/trpc/cart.clear,${path}?batch=1`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ 1: input }),
        });
        const answers = (await response.json()) as { result?: unknown; error?: { data: { code: string } } }[];
        expect([answers[0]?.result !== undefined, answers[1]?.error?.data.code], `${who} ${path}`).toEqual([
          true,
          code,
        ]);
      }
    }
    expect((await snapshot(app)).replace(/"cart",\d+/, '')).toBe(before.replace(/"cart",\d+/, ''));
  });

  it('never returns a secret: password hashes, token hashes or webhook secrets after creation', async ({
    app,
    buyer,
    owner,
  }) => {
    await owner.admin.webhooks.create.mutate({ url: 'https://hooks.example/x', events: ['order.paid'] });
    const answers = JSON.stringify([
      await buyer.auth.me.query(),
      await buyer.orders.list.query(),
      await buyer.cart.get.query(),
      await owner.admin.users.list.query(),
      await owner.admin.webhooks.list.query(),
      await owner.admin.orders.list.query(),
    ]);
    const sessionIds = (await tableRows(app, 'session')).map((r) => r.id);
    for (const secret of ['argon2', 'password', 'whsec_', 'Hash', ...sessionIds])
      expect(answers).not.toContain(secret);
  });
});
