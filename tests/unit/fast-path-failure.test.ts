import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../server/config.js';
import { createRequestListener } from '../../server/http/listener.js';
import { LiveStreams } from '../../server/http/live-streams.js';
import { Metrics } from '../../server/http/metrics.js';
import { createHeaderRule } from '../../server/http/response-headers.js';
import { createHttpServer } from '../../server/http/server.js';
import { createTrpcFastPath } from '../../server/http/trpc-fast-path.js';
import { appRouter } from '../../server/routers/_app.js';
import { capturedLogger } from '../helpers/app.js';

describe('the fast path when something fails outside the procedure', () => {
  it('answers a generic 500 with the request id and headers, and logs and counts it', async () => {
    const config = testConfig();
    const { logger, logs } = capturedLogger();
    const access = { logger, metrics: new Metrics(['store.info']) };
    const headerRule = createHeaderRule(config);
    const procedureErrors: Error[] = [];
    const fastPath = createTrpcFastPath({
      router: appRouter,
      config,
      maxBodyBytes: 1024,
      access,
      headerRule,
      createContext: () => {
        throw new Error('database handle gone: secret detail');
      },
      // A failure outside the procedure is the listener's to log, not tRPC's onError: kept to prove it.
      onError: ({ error }) => {
        procedureErrors.push(error);
      },
      streams: new LiveStreams(300_000),
    });
    const fetch = () => new Response('not the fast path', { status: 599 });
    const server = createHttpServer(
      createRequestListener({ fetch, fastPath, maxBodyBytes: 1024, access, headerRule }),
      config,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await globalThis.fetch(`http://127.0.0.1:${port}/trpc/store.info`, {
        headers: { 'x-request-id': 'failing-call-1' },
      });
      expect(response.status).toBe(500);
      expect(response.headers.get('x-request-id')).toBe('failing-call-1');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: { data: { httpStatus: 500, reason: 'INTERNAL' } } });
      expect(text).not.toContain('secret detail');
      expect(logs).toContainEqual(
        expect.objectContaining({ requestId: 'failing-call-1', msg: 'request failed' }),
      );
      expect(logs).toContainEqual(expect.objectContaining({ requestId: 'failing-call-1', status: 500 }));
      expect(procedureErrors).toEqual([]);
      expect(await access.metrics.render()).toContain(
        'backroom_http_request_duration_seconds_count{procedure="store.info"} 1',
      );
    } finally {
      server.close();
    }
  });
});
