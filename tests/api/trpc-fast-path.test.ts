import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { createHttpServer } from '../../server/http/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { newAccount } from '../helpers/client.js';
import { setupShop } from '../helpers/shop.js';

/**
 * The node:http fast path must answer exactly what the stock Hono + tRPC fetch adapter answers:
 * every request below goes over a socket once to the server as `npm start` runs it (fast path, or
 * its hand-off to the app) and once to a server of the same app and database built with the fast
 * path off (the stock stack), and the two answers are compared.
 */

const HOST = 'localhost:3000';
const TRUSTED = 'https://shop.example';

interface Sent {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  setCookies: string[];
  body: string;
}

let t: TestApp;
let stockServer: Server;
let port = 0;
let stockPort = 0;

beforeAll(async () => {
  t = await createTestApp({ TRUSTED_ORIGINS: TRUSTED, NODE_ENV: 'production' });
  port = Number(new URL(await t.url()).port);
  stockServer = createHttpServer(createApp(t.deps, { fastPath: false }).listener, t.deps.config);
  await new Promise<void>((resolve) => stockServer.listen(0, '127.0.0.1', resolve));
  stockPort = (stockServer.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => stockServer.close(resolve));
  await t.close();
});

/** Headers that differ by transport (framing, date), not by what the server decided. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

function normalized(status: number, entries: Iterable<[string, string]>, setCookies: string[], body: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (!TRANSPORT.has(key) && key !== 'set-cookie') headers[key] = value;
  }
  return { status, headers, setCookies, body };
}

function viaSocket(sent: Sent, to = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: HOST, ...sent.headers };
    if (sent.body !== undefined) headers['content-length'] = String(Buffer.byteLength(sent.body));
    const target = {
      port: to,
      host: '127.0.0.1',
      method: sent.method,
      path: sent.path,
      headers,
      agent: false,
    };
    const req = request(target, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const entries: [string, string][] = [];
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') entries.push([name, value]);
        }
        const cookies = res.headers['set-cookie'] ?? [];
        resolve(normalized(res.statusCode ?? 0, entries, cookies, Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** The same request to the server with the fast path off. */
function viaStockApp(sent: Sent): Promise<Answer> {
  return viaSocket(sent, stockPort);
}

/** Values that are new on every call (ids, tokens, request ids) are compared by their shape. */
function shapeOf(answer: Answer) {
  const masked = (text: string) =>
    text
      .replace(/=[A-Za-z0-9_-]{20,}/g, '=<token>')
      .replace(/[a-z2-7]{24}/g, '<id>')
      .replace(/user\d+-\d+@example\.com/g, '<email>')
      .replace(/User \d+/g, '<name>');
  const headers = { ...answer.headers };
  if (headers['x-request-id']) headers['x-request-id'] = '<request-id>';
  return {
    status: answer.status,
    headers,
    setCookies: answer.setCookies.map(masked),
    body: masked(answer.body),
  };
}

/** Sends the request both ways and expects the same answer; says whether the fast path took it. */
async function expectSameAnswer(make: () => Sent) {
  const before = t.fastPathAnswers();
  const fast = await viaSocket(make());
  const fastPathTookIt = t.fastPathAnswers() > before;
  const stock = await viaStockApp(make());
  expect(shapeOf(fast)).toEqual(shapeOf(stock));
  return { fast, fastPathTookIt };
}

const get = (procedure: string, input?: unknown, headers: Record<string, string> = {}): Sent => ({
  method: 'GET',
  path:
    input === undefined
      ? `/trpc/${procedure}`
      : `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`,
  headers,
});
const post = (procedure: string, input: unknown, headers: Record<string, string> = {}): Sent => ({
  method: 'POST',
  path: `/trpc/${procedure}`,
  headers: { 'content-type': 'application/json', ...headers },
  body: input === undefined ? '' : JSON.stringify(input),
});

describe('the tRPC fast path answers like the stock adapter', () => {
  let shop: Awaited<ReturnType<typeof setupShop>>;
  let session = '';

  beforeAll(async () => {
    shop = await setupShop(t);
    const account = newAccount();
    const signUp = await viaSocket(post('auth.signUp', account));
    session = /__Host-session=([^;]+)/.exec(signUp.setCookies.join('\n'))?.[1] ?? '';
    expect(session).not.toBe('');
  });

  const fastCases: [string, () => Sent][] = [
    ['a query without input', () => get('store.info')],
    ['a list', () => get('catalog.products', { limit: 2 })],
    [
      'a search with + and escapes',
      () => ({ method: 'GET', path: '/trpc/catalog.products?input=%7B%22q%22:%22stoneware+mug%22%7D' }),
    ],
    ['unicode input', () => get('catalog.products', { q: 'café ☕ "mug"' })],
    ['a product', () => get('catalog.product', { slug: 'mug' })],
    ['a missing product (404)', () => get('catalog.product', { slug: 'nope' })],
    ['invalid input (400 with field errors)', () => get('catalog.products', { limit: 0 })],
    ['a guest cart', () => get('cart.get')],
    ['a signed-in query', () => get('auth.me', undefined, { cookie: `__Host-session=${session}` })],
    ['a garbage session cookie', () => get('auth.me', undefined, { cookie: '__Host-session=garbage' })],
    ['signed out where sign-in is needed (401)', () => get('orders.list', {})],
    [
      'an admin query as a customer (403)',
      () => get('admin.orders.list', {}, { cookie: `__Host-session=${session}` }),
    ],
    ['a trusted origin (CORS headers)', () => get('store.info', undefined, { origin: TRUSTED })],
    [
      'an untrusted origin (no CORS headers)',
      () => get('store.info', undefined, { origin: 'https://evil.example' }),
    ],
    ['an incoming request id', () => get('store.info', undefined, { 'x-request-id': 'abc-123' })],
    ['a bad incoming request id', () => get('store.info', undefined, { 'x-request-id': 'no spaces!' })],
    ['a mutation with invalid input', () => post('auth.signIn', { email: 'x' })],
    ['a mutation with an empty body', () => post('auth.signIn', undefined)],
    [
      'wrong credentials',
      () => post('auth.signIn', { email: 'nobody@example.com', password: 'wrong password' }),
    ],
    [
      'a guest adding to the cart (new cart cookie)',
      () => post('cart.addItem', { variantId: shop.white, quantity: 1 }),
    ],
    ['an unknown variant', () => post('cart.addItem', { variantId: 'x'.repeat(24), quantity: 1 })],
    [
      'a signed-in mutation',
      () =>
        post(
          'cart.setQuantity',
          { variantId: shop.lampVariant, quantity: 2 },
          { cookie: `__Host-session=${session}` },
        ),
    ],
    [
      'a same-origin mutation',
      () => post('auth.signIn', { email: 'x' }, { 'sec-fetch-site': 'same-origin' }),
    ],
    [
      'a trusted cross-origin mutation',
      () => post('auth.signIn', { email: 'x' }, { origin: TRUSTED, 'sec-fetch-site': 'cross-site' }),
    ],
    ['a sign-up (session cookie)', () => post('auth.signUp', newAccount())],
    [
      'a checkout refusal',
      () =>
        post('checkout.placeOrder', {
          idempotencyKey: 'k-1',
          shippingAddress: { name: 'A', line1: '1 St', city: 'C', postalCode: '1', country: 'US' },
          shippingOptionId: shop.standard.id,
        }),
    ],
  ];

  it.each(fastCases)('%s', async (_name, make) => {
    const { fastPathTookIt } = await expectSameAnswer(make);
    expect(fastPathTookIt).toBe(true);
  });

  const handedOver: [string, () => Sent][] = [
    [
      'a batch',
      () => ({
        method: 'GET',
        path: `/trpc/store.info,catalog.product?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: { slug: 'mug' } }))}`,
      }),
    ],
    [
      'a streaming batch',
      () => ({
        ...get('store.info'),
        path: '/trpc/store.info?batch=1',
        headers: { 'trpc-accept': 'application/jsonl' },
      }),
    ],
    ['an unknown procedure', () => get('catalog.nothing')],
    ['a prototype key as procedure', () => get('constructor')],
    ['a mutation by GET (405)', () => get('auth.signOut')],
    ['a query by POST (405)', () => post('store.info', {})],
    ['?input that is not JSON', () => ({ method: 'GET', path: '/trpc/catalog.products?input=%7Bnope' })],
    ['broken percent-encoding', () => ({ method: 'GET', path: '/trpc/catalog.products?input=%E0%A4%A' })],
    ['an empty ?input', () => ({ method: 'GET', path: '/trpc/catalog.products?input=' })],
    [
      'a cross-site mutation (403)',
      () =>
        post(
          'auth.signIn',
          { email: 'x' },
          { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        ),
    ],
    [
      'a text/plain mutation',
      () => ({ ...post('auth.signIn', { email: 'x' }), headers: { 'content-type': 'text/plain' } }),
    ],
    [
      'a body over 1 MiB (413)',
      () => post('auth.signUp', { ...newAccount(), name: 'x'.repeat(1024 * 1024) }),
    ],
    ['a route outside tRPC', () => ({ method: 'GET', path: '/healthz', headers: { origin: TRUSTED } })],
  ];

  it.each(handedOver)('hands %s to the app', async (_name, make) => {
    const { fastPathTookIt } = await expectSameAnswer(make);
    expect(fastPathTookIt).toBe(false);
  });

  it('hands a malformed JSON body to tRPC, which answers 400', async () => {
    const { fast, fastPathTookIt } = await expectSameAnswer(() => ({
      ...post('auth.signIn', {}),
      body: '{"email":',
    }));
    expect(fastPathTookIt).toBe(false);
    expect(fast.status).toBe(400);
    expect(JSON.parse(fast.body)).toMatchObject({ error: { data: { reason: 'MALFORMED_REQUEST' } } });
  });

  it('logs one line per answered request, without the query string', async () => {
    const before = t.logs.length;
    await viaSocket(get('catalog.product', { slug: 'mug' }, { 'x-request-id': 'log-check-1' }));
    const lines = t.logs.slice(before).filter((line) => line.requestId === 'log-check-1');
    expect(lines).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/trpc/catalog.product',
        procedure: 'catalog.product',
        status: 200,
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('mug');
  });
});
