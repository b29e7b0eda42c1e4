import { createServer, type RequestListener } from 'node:http';
import type { Config } from '../config.js';

/** How long an idle keep-alive connection stays open. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The node:http server around the app's listener, with the limits for slow clients: headers must
 * arrive within HEADERS_TIMEOUT_MS and the whole request within REQUEST_TIMEOUT_MS (408, then the
 * connection is closed), idle keep-alive connections close after 5 s. The server and the tests
 * both build it here.
 */
export function createHttpServer(
  listener: RequestListener,
  config: Pick<Config, 'HEADERS_TIMEOUT_MS' | 'REQUEST_TIMEOUT_MS'>,
) {
  const server = createServer(
    {
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // NOTE: node checks the two timeouts above on this interval (30 s by default), so a slow
      // client would keep its socket up to 30 s past its limit.
      connectionsCheckingInterval: 1_000,
    },
    listener,
  );
  return server;
}
