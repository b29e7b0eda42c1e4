import { connect, type Socket } from 'node:net';
import { describe, expect } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/http/limits.js';
import type { TestApp } from '../helpers/app.js';
import { tableRows } from '../helpers/database.js';
import { it } from '../helpers/test.js';

/** What the server sent on a raw connection until it closed it, and how it closed it. */
interface Received {
  text: string;
  /** `end`: the server closed cleanly (FIN); `reset`: the connection was dropped (RST). */
  closedBy: 'end' | 'reset';
}

async function rawConnection(app: TestApp): Promise<Socket> {
  const { port } = new URL(await app.url());
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function received(socket: Socket): Promise<Received> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => resolve({ text, closedBy: 'reset' }));
    socket.on('end', () => {
      socket.end();
      resolve({ text, closedBy: 'end' });
    });
  });
}

const head = (length: number) =>
  `POST /trpc/auth.signUp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** Writes `total` bytes of body in 64 KiB chunks, stopping quietly if the server closes. */
async function sendBody(socket: Socket, total: number) {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let sent = 0; sent < total && !socket.destroyed && socket.writable; sent += chunk.length) {
    const ok = socket.write(chunk.subarray(0, Math.min(chunk.length, total - sent)));
    if (!ok) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
  }
}

describe('a body over the limit', () => {
  it.for([
    ['just over the limit', MAX_BODY_BYTES + 1],
    ['eight times the limit', 8 * MAX_BODY_BYTES],
  ] as const)(
    'declared %s: answers 413 with Connection: close, then closes cleanly, never a reset',
    async ([_name, size], { app }) => {
      const socket = await rawConnection(app);
      const answer = received(socket);
      socket.write(head(size));
      await sendBody(socket, size);
      const { text, closedBy } = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text.toLowerCase()).toContain('connection: close');
      expect(text).toContain('"reason":"PAYLOAD_TOO_LARGE"');
      expect(text.toLowerCase()).toContain('x-request-id: ');
      expect(closedBy).toBe('end');
      expect(await tableRows(app, 'user')).toHaveLength(0);
      expect(app.logs.some((line) => line.status === 413 && line.path === '/trpc/auth.signUp')).toBe(true);
    },
  );

  it('streamed (chunked) over the limit: answers 413 with Connection: close', async ({ app }) => {
    const socket = await rawConnection(app);
    const answer = received(socket);
    socket.write(
      'POST /trpc/auth.signUp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const piece = 'x'.repeat(64 * 1024);
    for (let sent = 0; sent <= MAX_BODY_BYTES && socket.writable; sent += piece.length) {
      socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
    }
    socket.write('0\r\n\r\n');
    const { text } = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain('connection: close');
  });

  it('leaves a keep-alive client working: its next request gets an answer', async ({ app }) => {
    const url = await app.url();
    const big = await fetch(`${url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(2 * MAX_BODY_BYTES),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('connection')).toBe('close');
    await big.text();
    const next = await fetch(`${url}/healthz`);
    expect(next.status).toBe(200);
  });
});

describe('slow clients', () => {
  it('closes a connection whose headers trickle in past HEADERS_TIMEOUT_MS with 408', async ({ makeApp }) => {
    const app = await makeApp({ HEADERS_TIMEOUT_MS: '1000' });
    const socket = await rawConnection(app);
    const answer = received(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    const { text } = await answer;
    clearInterval(trickle);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);

  it('refuses a HEADERS_TIMEOUT_MS below one second at start', async ({ makeApp }) => {
    await expect(makeApp({ HEADERS_TIMEOUT_MS: '10' })).rejects.toThrow(/HEADERS_TIMEOUT_MS/);
  });
});
