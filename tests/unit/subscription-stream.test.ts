import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LiveStreams } from '../../server/http/live-streams.js';
import { writeSubscription } from '../../server/http/subscription-stream.js';

describe('a subscription stream whose client went before it began', () => {
  it('ends at once: no event pulled, the signal aborted, nothing registered', async () => {
    const streams = new LiveStreams(60_000);
    const abort = new AbortController();
    let pulled = false;
    async function* events() {
      pulled = true;
      yield 'never sent';
    }
    let written: (value: Promise<void>) => void = () => {};
    const ended = new Promise<void>((resolve) => {
      written = resolve;
    });
    const server = createServer((req, res) => {
      // The client is gone by the time the procedure answered (its socket closed under the call).
      res.once('close', () => {
        written(
          writeSubscription(res, {
            source: { events: events() },
            abort,
            headers: [],
            pingMs: 1_000,
            clientOptions: {},
            lastEventId: null,
            toJson: (data) => JSON.stringify(data),
            errorJson: () => 'null',
            streams,
          }),
        );
      });
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const req = request({ port, host: '127.0.0.1', path: '/' });
      req.on('error', () => resolve());
      req.end();
    });
    await ended;
    expect(pulled).toBe(false);
    expect(abort.signal.aborted).toBe(true);
    expect(streams.size).toBe(0);
    await new Promise((resolve) => server.close(resolve));
  });
});
