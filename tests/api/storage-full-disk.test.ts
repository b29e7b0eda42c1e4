import { closeSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, describe, expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { TEST_ENGINE } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { sqliteOf } from '../helpers/group-commit.js';
import { ADDRESS, customer, idempotencyKey } from '../helpers/shop.js';
import { mountTmpfs } from '../helpers/small-fs.js';
import { test } from '../helpers/test.js';

/**
 * On a real 2 MiB filesystem that fills up, every write storage refuses answers 503
 * TEMPORARILY_UNAVAILABLE on every procedure and on the Stripe webhook (never a 500), is logged
 * with its request id, and /readyz answers 503 until space comes back, then 200 by itself.
 */
const SECRET = 'whsec_full_disk';
const READINESS_CACHE_MS = 1000;
const mounted = mountTmpfs(2 * 1024 * 1024);
const skip = 'skip' in mounted ? mounted.skip : null;
afterAll(() => {
  if ('dir' in mounted) mounted.unmount();
});

/**
 * `dir`: the small filesystem, emptied after the test (the database, its -wal and -shm, and the
 * filler file that takes the free space).
 */
const it = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('dir', async ({}, { onCleanup }) => {
    if (!('dir' in mounted)) throw new Error(`no small filesystem: ${mounted.skip}`);
    const { dir } = mounted;
    onCleanup(() => {
      for (const name of ['filler', 'shop.db', 'shop.db-wal', 'shop.db-shm'])
        rmSync(join(dir, name), { force: true });
    });
    return dir;
  });

/** Takes every free byte of the filesystem, after emptying the WAL so the next commit must grow it. */
function fillDisk(app: TestApp, dir: string) {
  sqliteOf(app).sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const fd = openSync(join(dir, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    expect(error).toMatchObject({ code: 'ENOSPC' });
  } finally {
    closeSync(fd);
  }
  const stats = statfsSync(dir);
  expect(stats.bavail * stats.bsize).toBeLessThan(64 * 1024);
}

async function readyStatus(app: TestApp) {
  app.clock.advance(READINESS_CACHE_MS);
  return (await rawRequest(app, '/readyz')).status;
}

function stripeEvent(app: TestApp) {
  const payload = JSON.stringify({
    id: `evt_full_${Date.now()}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_unknown', object: 'payment_intent', amount: 100, currency: 'usd' } },
  });
  const signature = new Stripe('sk_test_signer').webhooks.generateTestHeaderString({
    payload,
    secret: SECRET,
    timestamp: Math.floor(app.clock.now() / 1000),
  });
  return rawRequest(app, '/webhooks/stripe', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
}

// SQLite-only by nature (its file, WAL and locks); a TEST_ENGINE=postgres run skips it (it would run
// on SQLite again: DATABASE_PATH keeps SQLite).
describe.skipIf(skip || TEST_ENGINE === 'postgres')(`a full disk${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.override('env', async ({ dir }) => ({
    DATABASE_PATH: join(dir, 'shop.db'),
    STORAGE_MIN_FREE_BYTES: String(64 * 1024),
    READINESS_CACHE_MS: String(READINESS_CACHE_MS),
    PAYMENT_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_full_disk',
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_API_URL: 'http://127.0.0.1:9', // never called: the orders here are refused before payment
  }));

  it('refuses every kind of write with 503 TEMPORARILY_UNAVAILABLE, and /readyz is 503 until space comes back', async ({
    app,
    dir,
    shop,
  }) => {
    const { client } = await customer(app);
    await client.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
    expect(await readyStatus(app)).toBe(200);

    fillDisk(app, dir);
    expect(await readyStatus(app)).toBe(503);
    const guest = createTestClient(app);
    const refusals = {
      // one procedure of each router and write path: group commit, transactions, single statements
      placeOrder: () =>
        client.checkout.placeOrder.mutate({
          idempotencyKey: idempotencyKey(),
          shippingAddress: ADDRESS,
          shippingOptionId: shop.standard.id,
        }),
      addItem: () => client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }),
      guestAddItem: () => guest.cart.addItem.mutate({ variantId: shop.white, quantity: 1 }),
      signUp: () => guest.auth.signUp.mutate(newAccount()),
      createProduct: () =>
        shop.admin.admin.products.create.mutate({
          slug: 'full-disk',
          name: 'Full Disk',
          description: 'Refused',
          variants: [{ sku: 'FULL-1', name: 'One', price: 100, stock: 1 }],
        }),
      adjustStock: () =>
        shop.admin.admin.inventory.adjust.mutate({
          variantId: shop.white,
          delta: 5,
          reason: 'adjustment',
        }),
      createShipping: () =>
        shop.admin.admin.shipping.create.mutate({
          name: 'Pigeon',
          countries: ['US'],
          price: 100,
          minDays: 1,
          maxDays: 2,
        }),
      setTax: () => shop.admin.admin.tax.set.mutate({ country: 'CA', rateBps: 500 }),
    };
    for (const [name, call] of Object.entries(refusals)) {
      const refused = await errorOf(call());
      expect({ name, ...refused.data }).toMatchObject({
        name,
        httpStatus: 503,
        code: 'SERVICE_UNAVAILABLE',
        reason: 'TEMPORARILY_UNAVAILABLE',
      });
      expect(JSON.stringify(refused)).not.toMatch(/SQLITE|disk|full/i);
    }
    const webhook = await stripeEvent(app);
    expect(webhook.status).toBe(503);
    expect(await webhook.json()).toMatchObject({
      error: { data: { httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' } },
    });

    // Each refusal is logged at error level with its request id.
    const logged = app.logs.filter(
      (line) =>
        (line.msg === 'procedure failed' || line.msg === 'request failed') && Number(line.level) >= 40,
    );
    expect(logged.length).toBeGreaterThanOrEqual(Object.keys(refusals).length + 1);
    expect(logged.every((line) => typeof line.requestId === 'string')).toBe(true);
    expect(app.logs.some((line) => line.msg === 'not ready: writes cannot succeed')).toBe(true);

    // Space comes back: readiness recovers by itself and the same writes succeed.
    rmSync(join(dir, 'filler'));
    expect(await readyStatus(app)).toBe(200);
    await client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
    expect((await client.cart.get.query()).items).toHaveLength(2);
    await shop.admin.admin.tax.set.mutate({ country: 'CA', rateBps: 500 });
    expect((await stripeEvent(app)).status).toBe(200);
  });
});

/** The fallback where no filesystem can be mounted, run everywhere: SQLite's own page limit. */
// SQLite-only by nature: PRAGMA max_page_count is SQLite's own limit (the app runs on the default
// engine here, PostgreSQL in a TEST_ENGINE=postgres run).
describe.skipIf(TEST_ENGINE === 'postgres')('a database at its page limit (PRAGMA max_page_count)', () => {
  it('refuses a write that needs new pages with 503 TEMPORARILY_UNAVAILABLE and saves nothing', async ({
    app,
    shop,
  }) => {
    const pages = Number(sqliteOf(app).sqlite.pragma('page_count', { simple: true }));
    sqliteOf(app).sqlite.pragma(`max_page_count = ${pages}`);
    const refused = await errorOf(
      shop.admin.admin.products.create.mutate({
        slug: 'too-big',
        name: 'Too Big',
        description: 'x'.repeat(20_000), // overflow pages: more than the free list holds
        variants: [{ sku: 'BIG-1', name: 'One', price: 100, stock: 1 }],
      }),
    );
    expect(refused.data).toMatchObject({ httpStatus: 503, reason: 'TEMPORARILY_UNAVAILABLE' });
    const found = await errorOf(shop.admin.catalog.product.query({ slug: 'too-big' }));
    expect(found.data.httpStatus).toBe(404);
  });
});
