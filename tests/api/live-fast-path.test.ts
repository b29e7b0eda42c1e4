import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../server/app.js';
import { createHttpServer } from '../../server/http/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { eventually } from '../helpers/receivers.js';
import { customer, type Shop, setupShop } from '../helpers/shop.js';

/**
 * Subscriptions on the node:http fast path (server/http/subscription-stream.ts) must stream exactly
 * what the stock Hono + tRPC adapter streams (tRPC's SSE producer): each request goes to an app
 * with the fast path and to one without it, on the same database, and the headers and frames are
 * compared byte for byte.
 */

const TRUSTED = 'https://shop.example';
/** Headers that differ by transport (framing, date), not by what the server decided. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

interface Served {
  app: App;
  server: Server;
  port: number;
}

async function serve(t: TestApp, fastPath: boolean): Promise<Served> {
  const app = createApp(t.deps, { fastPath });
  const server = createHttpServer(app.listener, t.deps.config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { app, server, port: (server.address() as AddressInfo).port };
}

function shut({ server }: Served): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

interface Stream {
  status: number;
  headers: Record<string, string>;
  /** Everything received so far. */
  text(): string;
  ended(): boolean;
  /** Resolves once the text received contains `part` `times` times (or the stream ended). */
  until(part: string, times?: number): Promise<string>;
  close(): void;
}

/** Opens an SSE request and reads it as it comes. */
function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        port,
        host: '127.0.0.1',
        path,
        headers: { host: 'localhost:3000', accept: 'text/event-stream', ...headers },
      },
      (res) => {
        let text = '';
        let ended = false;
        const waiters = new Set<() => void>();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          for (const waiter of [...waiters]) waiter();
        });
        res.on('close', () => {
          ended = true;
          for (const waiter of [...waiters]) waiter();
        });
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string' && !TRANSPORT.has(name)) responseHeaders[name] = value;
        }
        if (responseHeaders['x-request-id']) responseHeaders['x-request-id'] = '<request-id>';
        resolve({
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          text: () => text,
          ended: () => ended,
          until: (part, times = 1) =>
            new Promise((done) => {
              const check = () => {
                if (ended || text.split(part).length > times) {
                  waiters.delete(check);
                  done(text);
                }
              };
              waiters.add(check);
              check();
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const path = (procedure: string, input?: unknown) =>
  input === undefined
    ? `/trpc/${procedure}`
    : `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;

let t: TestApp;
let shop: Shop;
let fast: Served;
let stock: Served;

beforeAll(async () => {
  t = await createTestApp({ TRUSTED_ORIGINS: TRUSTED, NODE_ENV: 'production' });
  shop = await setupShop(t);
  fast = await serve(t, true);
  stock = await serve(t, false);
});
afterAll(async () => {
  await Promise.all([shut(fast), shut(stock)]);
  await t.close();
});

/** Nothing of the live updates is left in the process: no bus listener, no limit slot, no stream. */
async function nothingLeft() {
  await eventually(
    () =>
      t.deps.live.bus.size === 0 &&
      t.deps.live.limits.keys === 0 &&
      fast.app.streams.size === 0 &&
      stock.app.streams.size === 0,
  );
}

describe('subscriptions on the fast path', () => {
  it('stream the stock adapter’s headers and frames, live events and a Last-Event-ID backfill', async () => {
    const watch = path('catalog.watchStock', { productIds: [shop.lamp.id] });
    const before = fast.app.listener.fastPathAnswers();
    const streams = await Promise.all([
      openStream(fast.port, watch, { origin: TRUSTED }),
      openStream(stock.port, watch, { origin: TRUSTED }),
    ]);
    expect(fast.app.listener.fastPathAnswers()).toBe(before + 1);
    await Promise.all(streams.map((s) => s.until('event: connected')));
    await eventually(() => t.deps.live.bus.size === 2);
    const [viaFast, viaStock] = streams;
    expect(viaFast?.headers['access-control-allow-origin']).toBe(TRUSTED);
    expect(viaFast?.headers['content-type']).toBe('text/event-stream');
    expect(viaFast?.headers).toEqual(viaStock?.headers);
    expect(viaFast?.status).toBe(viaStock?.status);

    for (const delta of [1, -1]) {
      await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.lampVariant, delta, reason: 'count' });
    }
    await Promise.all(streams.map((s) => s.until('\nid: ', 2)));
    expect(viaFast?.text()).toContain(`"available":6`);
    expect(viaFast?.text()).toBe(viaStock?.text());
    for (const s of streams) s.close();
    await nothingLeft();

    // A reconnect with the id of the first event gets the second one back, from the table.
    const firstId = /\nid: (\d+)\n/.exec(viaFast?.text() ?? '')?.[1] ?? '';
    expect(firstId).not.toBe('');
    const again = await Promise.all(
      [fast.port, stock.port].map((port) => openStream(port, watch, { 'last-event-id': firstId })),
    );
    await Promise.all(again.map((s) => s.until('\nid: ')));
    expect(again[0]?.text()).toMatch(/"available":5\}\nid: \d+\n\n\n$/);
    expect(again[0]?.text()).toBe(again[1]?.text());
    for (const s of again) s.close();
    await nothingLeft();
  });

  it('refuse like the stock adapter: the same in-stream errors, whatever the origin', async () => {
    const { client } = await customer(t);
    const cookie = client.jar.header();
    const cases: [string, Record<string, string>][] = [
      [path('orders.watch', { id: 'x'.repeat(24) }), {}], // signed out: UNAUTHORIZED
      [path('orders.watch', { id: 'x'.repeat(24) }), { cookie }], // no such order: NOT_FOUND
      [path('admin.orders.watch'), { cookie, origin: 'https://evil.example' }], // FORBIDDEN
      [path('catalog.watchStock', { productIds: [] }), { origin: TRUSTED }], // BAD_REQUEST
    ];
    for (const [target, headers] of cases) {
      const before = fast.app.listener.fastPathAnswers();
      const [viaFast, viaStock] = await Promise.all(
        [fast.port, stock.port].map((port) => openStream(port, target, headers)),
      );
      await Promise.all([viaFast, viaStock].map((s) => s?.until('event: serialized-error')));
      await eventually(() => viaFast?.ended() === true && viaStock?.ended() === true);
      expect(fast.app.listener.fastPathAnswers()).toBe(before + 1);
      expect(viaFast?.text()).toContain('event: serialized-error');
      expect(viaFast?.headers).toEqual(viaStock?.headers);
      expect(viaFast?.text()).toBe(viaStock?.text());
    }
    await nothingLeft();
  });

  it.each([
    ['the fast path', true],
    ['the Hono app', false],
  ])(
    'are closed at shutdown on %s without `return` (the client reconnects), leaving nothing behind',
    async (_, fastPath) => {
      const own = await serve(t, fastPath);
      const watch = path('catalog.watchStock', { productIds: [shop.mug.id] });
      const streams = await Promise.all(Array.from({ length: 3 }, () => openStream(own.port, watch)));
      await Promise.all(streams.map((s) => s.until('event: connected')));
      await eventually(() => own.app.streams.size === 3 && t.deps.live.bus.size === 3);

      own.app.streams.closeAll();
      await eventually(() => streams.every((s) => s.ended()));
      for (const s of streams) expect(s.text()).not.toContain('event: return');
      // A stream opened after the shutdown began is closed at once.
      const late = await openStream(own.port, watch);
      await eventually(() => late.ended());
      expect(own.app.streams.size).toBe(0);
      await nothingLeft();
      await shut(own);
    },
  );
});
