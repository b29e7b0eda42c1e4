import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destroySocketAgents, socketFetch } from '../helpers/socket-fetch.js';

let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the server has no port');
  url = `http://127.0.0.1:${address.port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** Rejects with `label` when `promise` has not settled within two seconds. */
function within<T>(promise: Promise<T>, label: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(label)), 2000).unref()),
  ]);
}

describe('socketFetch, the test helper for requests from a chosen client address', () => {
  it('keeps one connection per client address alive across calls, and closes it on destroySocketAgents', async () => {
    const first = await socketFetch(async () => url, '127.0.0.7')('http://localhost/a');
    expect(await first.text()).toBe('ok');
    const second = await socketFetch(async () => url, '127.0.0.7')('http://localhost/b');
    expect(await second.text()).toBe('ok');
    expect(sockets.size).toBe(1);
    destroySocketAgents();
    await expect.poll(() => sockets.size).toBe(0);
  });

  it('rejects when the request body fails while it is sent, instead of hanging', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(new TextEncoder().encode('part'));
        else controller.error(new Error('the body broke'));
      },
    });
    const send = socketFetch(async () => url, '127.0.0.8');
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, duplex: 'half' };
    const sent = send('http://localhost/upload', init);
    await expect(within(sent, 'still pending')).rejects.toThrow(/the body broke/);
  });
});
