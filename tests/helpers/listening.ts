import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { TestApp } from './app.js';

/** Serves a test app on a real loopback socket (port chosen by the OS). */
export async function listen(t: TestApp): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
