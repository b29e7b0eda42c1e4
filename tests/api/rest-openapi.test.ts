import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { listOperations } from '../../server/http/openapi/operations.js';
import { appRouter } from '../../server/routers/_app.js';
import { newAccount, rawRequest } from '../helpers/client.js';
import { tableRows } from '../helpers/database.js';
import { ADDRESS, ADMIN } from '../helpers/fixtures.js';
import { fetchDocument, operationsOf, restClient, restErrorShape } from '../helpers/rest-client.js';
import { it } from '../helpers/test.js';

const outputs = new Map(listOperations(appRouter).map((operation) => [operation.id, operation.output]));

/** The answer, checked against the schema its operation documents (shared/schemas/outputs.ts). */
function documented(operationId: string, body: unknown) {
  const schema = outputs.get(operationId);
  if (!schema) throw new Error(`${operationId} documents no answer`);
  return schema.parse(body);
}

const userShape = z.object({ user: z.object({ id: z.string(), email: z.string() }) });
const pageShape = z.object({ items: z.array(z.object({ id: z.string(), slug: z.string() })) });
const productShape = z.object({ variants: z.array(z.object({ id: z.string(), sku: z.string() })) });
const optionsShape = z.array(z.object({ id: z.string(), name: z.string() }));
const totalsShape = z.object({ total: z.number() });
const placedShape = z.object({ order: z.object({ id: z.string(), status: z.string(), total: z.number() }) });

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async ({ app }) => {
    const { raw, document } = await fetchDocument(app);
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(raw);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('has one operation per query and mutation, named by its procedure path, with inputs and answers', async ({
    app,
  }) => {
    const { document } = await fetchDocument(app);
    const operations = operationsOf(document);
    const expected = listOperations(appRouter).map((operation) => operation.id);
    expect(operations.map((entry) => entry.operation.operationId).sort()).toEqual([...expected].sort());
    expect(expected).toEqual(expect.arrayContaining(['store.info', 'catalog.products', 'cart.addItem']));

    const byId = new Map(operations.map((entry) => [entry.operation.operationId, entry]));
    expect(byId.get('catalog.products')).toMatchObject({ method: 'GET', path: '/api/v1/catalog/products' });
    expect(byId.get('cart.addItem')).toMatchObject({ method: 'POST', path: '/api/v1/cart/addItem' });
    const products = byId.get('catalog.products')?.operation;
    expect(products?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['q', 'category', 'sort', 'limit', 'cursor']),
    );
    expect(byId.get('cart.addItem')?.operation.requestBody).toMatchObject({
      required: true,
      content: { 'application/json': { schema: { required: ['variantId', 'quantity'] } } },
    });
    expect(products?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { properties: { nextCursor: {} } } } },
    });
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Product', 'ProductCard', 'Cart', 'Order', 'User', 'Error']),
    );

    // Every operation documents its answer.
    const undocumented = operations.filter(({ operation }) =>
      JSON.stringify(operation.responses['200']).includes('not documented'),
    );
    expect(undocumented.map(({ operation }) => operation.operationId)).toEqual([]);
  });
});

describe('the REST mirror, called from the document', () => {
  it('walks sign-up → cart → order → cancel, every answer as documented', async ({ app, shop }) => {
    const { document } = await fetchDocument(app);
    const rest = restClient(app, document);
    const ok = async (operationId: string, input?: Record<string, unknown>) => {
      const answer = await rest.call(operationId, input);
      expect(answer.status, `${operationId}: ${JSON.stringify(answer.body)}`).toBe(200);
      documented(operationId, answer.body);
      return answer.body;
    };

    expect(await ok('store.info')).toMatchObject({ currency: 'USD' });
    const page = pageShape.parse(await ok('catalog.products', { q: 'mug', limit: 5, inStock: true }));
    expect(page.items.map((item) => item.slug)).toEqual(['mug']);
    const product = productShape.parse(await ok('catalog.product', { slug: 'mug' }));
    const white = product.variants.find((variant) => variant.sku === 'MUG-W');
    expect(white?.id).toBe(shop.white);

    const account = newAccount();
    const { user } = userShape.parse(await ok('auth.signUp', account));
    expect(rest.jar.cookies.has('session')).toBe(true);
    expect(await ok('auth.me')).toMatchObject({ id: user.id, email: account.email });

    await ok('cart.addItem', { variantId: shop.white, quantity: 2 });
    expect(await ok('cart.get')).toMatchObject({ itemCount: 2, subtotal: 3600 });
    const options = optionsShape.parse(await ok('checkout.shippingOptions', { country: 'US' }));
    const standard = options.find((option) => option.name === 'Standard');
    if (!standard) throw new Error('no Standard shipping');
    const quote = totalsShape.parse(
      await ok('checkout.quote', { shippingAddress: ADDRESS, shippingOptionId: standard.id }),
    );
    const placed = placedShape.parse(
      await ok('checkout.placeOrder', {
        idempotencyKey: 'rest-walk-0001',
        shippingAddress: ADDRESS,
        shippingOptionId: standard.id,
        expectedTotal: quote.total,
      }),
    );
    expect(placed.order).toMatchObject({ status: 'pending_payment', total: quote.total });
    expect(await ok('cart.get')).toMatchObject({ itemCount: 0 });
    expect(await ok('orders.list')).toMatchObject({ items: [{ id: placed.order.id }] });
    expect(await ok('orders.get', { id: placed.order.id })).toMatchObject({ id: placed.order.id });
    // The shop's admin, a script with a bearer token, takes the payment.
    const signedIn = await restClient(app, document).call('auth.signIn', { ...ADMIN, session: 'token' });
    const { token } = z.object({ token: z.string() }).parse(signedIn.body);
    const back = restClient(app, document, { bearer: token });
    const paid = await back.call('admin.orders.markPaid', { id: placed.order.id });
    expect(paid.status).toBe(200);
    expect(documented('admin.orders.markPaid', paid.body)).toMatchObject({ status: 'paid' });
    const listed = await back.call('admin.orders.list', { status: 'paid' });
    expect(documented('admin.orders.list', listed.body)).toMatchObject({ items: [{ id: placed.order.id }] });
    expect((await rest.call('admin.orders.list')).status).toBe(403);

    expect(await ok('orders.cancel', { id: placed.order.id })).toMatchObject({ status: 'cancelled' });
    expect(await ok('auth.signOut')).toEqual({ ok: true });
    expect(await ok('auth.me')).toBeNull();
  });

  it.for([
    ['invalid input', 'cart.addItem', { variantId: 'x', quantity: 0 }, 400, 'BAD_REQUEST', 'INVALID_INPUT'],
    [
      'an unknown key',
      'cart.addItem',
      { variantId: 'x', quantity: 1, price: 1 },
      400,
      'BAD_REQUEST',
      'INVALID_INPUT',
    ],
    [
      'an unknown variant',
      'cart.addItem',
      { variantId: 'nope', quantity: 1 },
      404,
      'NOT_FOUND',
      'VARIANT_NOT_FOUND',
    ],
    ['a signed-out customer call', 'orders.list', undefined, 401, 'UNAUTHORIZED', 'UNAUTHENTICATED'],
    ['an unknown product', 'catalog.product', { slug: 'nope' }, 404, 'NOT_FOUND', 'NOT_FOUND'],
    ['a query missing its input', 'catalog.product', undefined, 400, 'BAD_REQUEST', 'INVALID_INPUT'],
  ] as const)(
    'answers %s with the status, code and reason tRPC gives',
    async ([_name, operationId, input, status, code, reason], { app }) => {
      const { document } = await fetchDocument(app);
      const answer = await restClient(app, document).call(operationId, input);
      expect(answer.status).toBe(status);
      const body = restErrorShape.parse(answer.body);
      expect(body).toMatchObject({ code, reason });

      const type = operationsOf(document).find(
        (entry) => entry.operation.operationId === operationId,
      )?.method;
      const encoded = input === undefined ? '' : JSON.stringify(input);
      const trpc = await rawRequest(
        app,
        type === 'GET'
          ? `/trpc/${operationId}${encoded ? `?input=${encodeURIComponent(encoded)}` : ''}`
          : `/trpc/${operationId}`,
        type === 'GET'
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: encoded || undefined },
      );
      expect(trpc.status).toBe(status);
      const { error } = z
        .object({
          error: z.object({
            message: z.string(),
            data: z.looseObject({ code: z.string(), reason: z.string() }),
          }),
        })
        .parse(await trpc.json());
      expect({ code: body.code, reason: body.reason, message: body.message }).toEqual({
        code: error.data.code,
        reason: error.data.reason,
        message: error.message,
      });
      expect(body.fieldErrors).toEqual(error.data.fieldErrors);
    },
  );

  it('names the fields of invalid input', async ({ app }) => {
    const { document } = await fetchDocument(app);
    const answer = await restClient(app, document).call('catalog.products', { limit: 500, sort: 'cheapest' });
    expect(answer.status).toBe(400);
    const body = restErrorShape.parse(answer.body);
    expect(Object.keys(body.fieldErrors ?? {}).sort()).toEqual(['limit', 'sort']);
  });

  it.for([
    ['a query value that is not a number', '/api/v1/catalog/products?limit=ten', {}, 400, 'INVALID_INPUT'],
    [
      'a query value that is not a boolean',
      '/api/v1/catalog/products?inStock=maybe',
      {},
      400,
      'INVALID_INPUT',
    ],
    [
      'a malformed JSON body',
      '/api/v1/cart/addItem',
      { method: 'POST', body: '{"variantId":' },
      400,
      'MALFORMED_REQUEST',
    ],
    [
      'a body that is not JSON',
      '/api/v1/cart/addItem',
      { method: 'POST', body: 'a=b', ct: 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an unknown operation', '/api/v1/cart/steal', { method: 'POST' }, 404, 'NOT_FOUND'],
    ['the wrong method', '/api/v1/cart/addItem', {}, 405, 'METHOD_NOT_SUPPORTED'],
    ['a malformed URL', '/api/v1/catalog/products?q=%E0%A4%A', {}, 400, 'MALFORMED_REQUEST'],
    [
      'a body over 1 MiB',
      '/api/v1/cart/addItem',
      { method: 'POST', body: 'x'.repeat(1_100_000) },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ] as const)(
    'answers %s with a clear error, never a 500',
    async ([_name, path, init, status, reason], { app }) => {
      const headers: Record<string, string> = { 'content-type': 'ct' in init ? init.ct : 'application/json' };
      const response = await rawRequest(app, path, {
        method: 'method' in init ? init.method : 'GET',
        headers,
        ...('body' in init && { body: init.body }),
      });
      expect(response.status).toBe(status);
      const body = restErrorShape.parse(await response.json());
      expect(body.reason).toBe(reason);
      expect(body.message).not.toMatch(/SQL|sqlite|postgres|stack|at .*\.ts/i);
    },
  );

  it('logs and counts REST calls by procedure, with no password or token in the log', async ({ app }) => {
    const { document } = await fetchDocument(app);
    const account = newAccount();
    const signedUp = await restClient(app, document).call('auth.signUp', { ...account, session: 'token' });
    const { token } = z.object({ token: z.string() }).parse(signedUp.body);
    await restClient(app, document, { bearer: token }).call('orders.list');
    const requests = app.logs.filter(
      (line) => typeof line.path === 'string' && line.path.startsWith('/api/v1/'),
    );
    expect(requests).toMatchObject([
      { method: 'POST', path: '/api/v1/auth/signUp', procedure: 'auth.signUp', status: 200 },
      { method: 'GET', path: '/api/v1/orders/list', procedure: 'orders.list', status: 200 },
    ]);
    const everything = JSON.stringify(app.logs);
    for (const secret of [account.password, token]) expect(everything).not.toContain(secret);
    const metrics = await (await rawRequest(app, '/metrics')).text();
    expect(metrics).toContain('backroom_http_request_duration_seconds_count{procedure="orders.list"} 1');
  });

  it('answers HEAD on a query like GET, without a body', async ({ app }) => {
    const response = await rawRequest(app, '/api/v1/store/info', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('refuses a cross-site POST with the cross-origin rule, and changes nothing', async ({ app }) => {
    const response = await rawRequest(app, '/api/v1/auth/signUp', {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.example',
      },
      body: JSON.stringify(newAccount()),
    });
    expect(response.status).toBe(403);
    expect(restErrorShape.parse(await response.json())).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'CROSS_ORIGIN',
    });
    expect(await tableRows(app, 'user')).toHaveLength(0);
  });

  it('answers with the API’s headers: no-store, request id, strict CSP, and no session token in the body', async ({
    app,
  }) => {
    const { document } = await fetchDocument(app);
    const answer = await restClient(app, document).call('auth.signUp', newAccount());
    expect(answer.status).toBe(200);
    const { headers } = answer.response;
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const cookie = headers.getSetCookie().find((value) => value.startsWith('session='));
    expect(cookie).toMatch(/HttpOnly/);
    const token = cookie?.split(';')[0]?.slice('session='.length) ?? '';
    expect(token.length).toBeGreaterThan(10);
    expect(JSON.stringify(answer.body)).not.toContain(token);
    expect(answer.body).not.toHaveProperty('token');
  });
});

describe('GET /api/docs', () => {
  it('renders every operation and schema with no script and nothing from another origin', async ({ app }) => {
    const response = await rawRequest(app, '/api/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe|script-src|https?:/);
    const html = await response.text();
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
    const { document } = await fetchDocument(app);
    for (const { operation } of operationsOf(document))
      expect(html).toContain(`id="op-${operation.operationId}"`);
    expect(html).toContain('id="schema-Order"');
  });
});
