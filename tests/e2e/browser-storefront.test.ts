import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { indexProcedures } from '../../server/http/procedure-index.js';
import { appRouter } from '../../server/routers/_app.js';
import { ADMIN } from '../helpers/fixtures.js';
import { httpClient } from '../helpers/http-client.js';
import {
  freePort,
  type ServerProcess,
  shopDatabase,
  startServer,
  tempDir,
} from '../helpers/server-process.js';
import { ROOT } from '../helpers/start-command.js';
import { type StaticSite, serveDirectory, servePage } from '../helpers/static-site.js';
import { buildStorefront } from '../helpers/storefront.js';

/**
 * examples/storefront, built with vite and served as a static site on http://localhost:A, driven
 * in Debian's Chromium against `npm start` on http://localhost:B (TRUSTED_ORIGINS names A): the
 * same site, two origins, as in development. A page on http://127.0.0.1:C stands for a hostile site.
 */
const OUTPUT = join(ROOT, 'tests/e2e/output');
const CHROMIUM = '/usr/bin/chromium';
const procedures = indexProcedures(appRouter);

let server: ServerProcess;
let api: string;
let storefront: string;
let site: StaticSite;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const shot = (name: string) => page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true });
const cardNames = () => page.getByTestId('product-card').locator('a').allTextContents();
const orderStatus = () => page.getByTestId('order-status').textContent();

/** Waits until the header's cart link reads `Cart (n)`. */
async function cartCountIs(n: number) {
  await page.locator('#cart-link', { hasText: `Cart (${n})` }).waitFor();
}

/**
 * Why the browser tests cannot run here, or undefined when Debian's Chromium is installed. In CI
 * (env CI set) a missing browser is a failure, not a reason to skip.
 */
function chromiumUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`${reason}; CI must run the browser tests`);
  return reason;
}
const unavailable = chromiumUnavailable();

describe.skipIf(unavailable)(
  unavailable
    ? `the example storefront in a real browser (skipped: ${unavailable})`
    : 'the example storefront in a real browser, on another origin of the same site',
  { timeout: 60_000 },
  () => {
    /** What the storefront logged as errors, shown with a failing test along with a screenshot. */
    const pageErrors: string[] = [];

    beforeAll(async () => {
      mkdirSync(OUTPUT, { recursive: true });
      const sitePort = await freePort();
      storefront = `http://localhost:${sitePort}`;
      server = await startServer({
        ...(await shopDatabase('browser')),
        SEED_DEMO: 'true',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        TRUSTED_ORIGINS: storefront,
        LOG_LEVEL: 'warn',
      });
      api = server.url.replace('127.0.0.1', 'localhost');
      const dist = join(tempDir(), 'storefront');
      await buildStorefront(api, dist);
      site = await serveDirectory(dist, sitePort);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
      context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
    }, 120_000);

    afterEach(async ({ task }) => {
      if (task.result?.state !== 'fail') return;
      await page.screenshot({ path: join(OUTPUT, `failed-${task.name.slice(0, 40)}.png`), fullPage: true });
      if (pageErrors.length > 0) console.error(`storefront errors:\n${pageErrors.join('\n')}`);
    });

    afterAll(async () => {
      await browser?.close();
      await site?.close();
      if (server) expect(await server.stop()).toBe(0);
    });

    let orderId = '';
    let mugSku = '';
    let mugVariantId = '';

    it('browses, pages, searches, opens a product and fills a guest cart', async () => {
      await page.goto(`${storefront}/#/`);
      await page.getByTestId('product-card').first().waitFor();
      const firstPage = await cardNames();
      expect(firstPage).toHaveLength(12);
      await shot('products');

      await page.getByRole('link', { name: 'Next page' }).click();
      await page.getByRole('link', { name: 'First page' }).waitFor();
      const secondPage = await cardNames();
      expect(secondPage.length).toBeGreaterThan(0);
      expect(secondPage.filter((name) => firstPage.includes(name))).toEqual([]);

      await page.getByRole('searchbox', { name: 'Search' }).fill('stoneware mug');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('heading', { name: 'Results for “stoneware mug”' }).waitFor();
      expect((await cardNames())[0]).toBe('Stoneware Coffee Mug');

      await page.getByRole('link', { name: 'Stoneware Coffee Mug' }).click();
      await page.getByRole('heading', { name: 'Stoneware Coffee Mug' }).waitFor();
      const mug = await httpClient(server.url).catalog.product.query({ slug: 'stoneware-coffee-mug' });
      const variant = mug.variants.find((v) => v.available >= 5);
      if (!variant) throw new Error('the demo mug has no variant with stock');
      mugSku = variant.sku;
      mugVariantId = variant.id;
      const row = page.getByRole('row').filter({ hasText: variant.sku });
      await row.getByRole('spinbutton').fill('2');
      await row.getByRole('button', { name: 'Add to cart' }).click();
      await cartCountIs(2);
      await shot('product');

      await page.getByRole('link', { name: 'Cart (2)' }).click();
      await page.getByTestId('cart-line').first().waitFor();
      expect(await page.getByTestId('cart-line').count()).toBe(1);
      await shot('cart');
    });

    it('signs up and keeps the guest cart; the session cookie is out of page script’s reach', async () => {
      await page.goto(`${storefront}/#/account`);
      const form = page.getByRole('form', { name: 'Create account' });
      await form.getByLabel('Name').fill('Bea Browser');
      await form.getByLabel('Email').fill('bea@example.com');
      await form.getByLabel('Password').fill('bea-password-1');
      await form.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#account-link', { hasText: 'Bea Browser' }).waitFor();
      await page.getByTestId('cart-line').first().waitFor();
      expect(await page.getByTestId('cart-line').getByRole('spinbutton').inputValue()).toBe('2');

      const cookies = await context.cookies(api);
      const session = cookies.find((c) => c.name === 'session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', domain: 'localhost' });
      // Cookies are per host, not per port: the storefront's page would see the API's cookies if
      // they were not HttpOnly.
      const visible = await page.evaluate<string>('document.cookie');
      expect(visible).not.toContain('session=');
      expect(visible).not.toContain(session?.value ?? 'no session cookie');
    });

    it('checks out with the manual provider and shows the order', async () => {
      await page.getByRole('link', { name: 'Checkout' }).click();
      const form = page.getByRole('form', { name: 'Checkout' });
      await form.getByLabel('Street and number').fill('1 Main St');
      await form.getByLabel('City').fill('Springfield');
      await form.getByLabel('Postal code').fill('12345');
      await form.getByLabel('Postal code').press('Tab'); // leaving the field: the quote follows
      await page.getByTestId('quote-total').waitFor();
      const quoted = await page.getByTestId('quote-total').textContent();
      await form.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/#\/orders\/.+/);
      orderId = decodeURIComponent(page.url().split('#/orders/')[1] ?? '');
      await page.getByTestId('order-status').waitFor();
      expect(await orderStatus()).toBe('pending_payment');
      expect(await page.getByTestId('order-total').textContent()).toBe(quoted);
      await cartCountIs(0);
      await shot('order');
    });

    it('a page on a hostile site changes nothing with a form POST or a no-cors fetch', async () => {
      // Something in the cart to lose.
      await page.goto(`${storefront}/#/product/stoneware-coffee-mug`);
      await page
        .getByRole('row')
        .filter({ hasText: mugSku })
        .getByRole('button', { name: 'Add to cart' })
        .click();
      await cartCountIs(1);

      const hostilePort = await freePort();
      const hostile = await servePage(hostilePage(api, { orderId, variantId: mugVariantId }), hostilePort);
      try {
        const attacker = await context.newPage();
        const answers = ['cart.addItem', 'orders.cancel', 'cart.clear'].map((name) =>
          attacker.waitForResponse((r) => new URL(r.url()).pathname === `/trpc/${name}`),
        );
        await attacker.goto(`http://127.0.0.1:${hostilePort}/`);
        const statuses = await Promise.all(answers.map(async (answer) => (await answer).status()));
        expect(statuses).toEqual([403, 403, 403]);
        expect(await attacker.textContent('body')).toContain('CROSS_ORIGIN');
        await attacker.close();
      } finally {
        await hostile.close();
      }

      await page.goto(`${storefront}/#/cart`);
      await page.getByTestId('cart-line').first().waitFor();
      expect(await page.getByTestId('cart-line').getByRole('spinbutton').inputValue()).toBe('1');
      await page.goto(`${storefront}/#/orders/${encodeURIComponent(orderId)}`);
      await page.getByTestId('order-status').waitFor();
      expect(await orderStatus()).toBe('pending_payment');
    });

    it('shows the order’s new status when the shop marks it paid (live with orders.watch)', async () => {
      const admin = httpClient(server.url);
      await admin.auth.signIn.mutate(ADMIN);
      await page.goto(`${storefront}/#/orders/${encodeURIComponent(orderId)}`);
      await page.getByTestId('order-status').waitFor();
      if (procedures.has('orders.watch'))
        await page
          .getByTestId('live-order')
          .filter({ hasText: /^live$/ })
          .waitFor();
      await admin.admin.orders.markPaid.mutate({ id: orderId });
      if (!procedures.has('orders.watch')) await page.reload();
      await page
        .getByTestId('order-status')
        .filter({ hasText: /^paid$/ })
        .waitFor();
      await shot('order-paid');
    });

    it('shows stock as it changes on the product page (live with catalog.watchStock)', async () => {
      const admin = httpClient(server.url);
      await admin.auth.signIn.mutate(ADMIN);
      await page.goto(`${storefront}/#/product/stoneware-coffee-mug`);
      const cell = page.getByTestId(`stock-${mugSku}`);
      await cell.waitFor();
      if (procedures.has('catalog.watchStock'))
        await page
          .getByTestId('live-stock')
          .filter({ hasText: /^live$/ })
          .waitFor();
      const before = Number(await cell.textContent());
      const mug = await admin.catalog.product.query({ slug: 'stoneware-coffee-mug' });
      const variant = mug.variants.find((v) => v.sku === mugSku);
      if (!variant) throw new Error('variant gone');
      await admin.admin.inventory.adjust.mutate({ variantId: variant.id, delta: 7, reason: 'browser test' });
      if (!procedures.has('catalog.watchStock')) await page.reload();
      await page
        .getByTestId(`stock-${mugSku}`)
        .filter({ hasText: new RegExp(`^${before + 7}$`) })
        .waitFor();
    });
  },
);

/** A page that tries three writes against the API: two no-cors fetches, then a form POST. */
function hostilePage(apiUrl: string, target: { orderId: string; variantId: string }): string {
  const post = (name: string, body: unknown) =>
    `fetch(${JSON.stringify(`${apiUrl}/trpc/${name}`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', ` +
    `headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(JSON.stringify(body))} })`;
  return `<!doctype html><html><body>
<form id="f" method="POST" enctype="text/plain" action="${apiUrl}/trpc/cart.clear">
  <input type="hidden" name='{"x":"' value='"}'>
</form>
<script>
  Promise.allSettled([
    ${post('cart.addItem', { variantId: target.variantId, quantity: 1 })},
    ${post('orders.cancel', { id: target.orderId })},
  ]).then(() => document.getElementById('f').submit());
</script>
</body></html>`;
}
