import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPErrorHandler } from '@trpc/server/http';
import { getHTTPStatusCode } from '@trpc/server/http';
// NOTE: the helpers tRPC's own adapters use (resolveResponse is built from them); the version is
// pinned (~11.25) and tests/api/trpc-fast-path.test.ts compares every answer with the stock adapter.
import {
  type AnyProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
} from '@trpc/server/unstable-core-do-not-import';
import { cartCookieName, readCookie, sessionCookieName } from '../auth/cookies.js';
import { isSameOriginOrTrusted } from '../auth/cross-origin.js';
import { clientIpOf, createInnerContext } from '../context.js';
import type { Deps } from '../deps.js';
import type { AppRouter } from '../routers/_app.js';
import { CORS_RESPONSE_HEADERS } from './cors.js';
import { errorBody } from './error-response.js';
import type { Metrics } from './metrics.js';
import { logRequest, requestIdFrom } from './request-log.js';
import { securityHeaders } from './secure-headers.js';

/** A procedure path with nothing to decode: no batch comma, no percent-escape, no slash. */
const PLAIN_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
/** A request target the URL parser keeps as it is: printable ASCII, no space, no fragment. */
const PLAIN_TARGET = /^[\x21\x22\x24-\x7e]*$/;
/** A Host header @hono/node-server takes as it is (the same pattern). */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

const INTERNAL_ERROR = errorBody('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error');

export interface FastPathOptions {
  router: AppRouter;
  maxBodyBytes: number;
  metrics: Metrics;
  onError: HTTPErrorHandler<AppRouter, IncomingMessage>;
}

/** Where a POST goes whose body the fast path read but will not answer. */
export type Fallback = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A call the fast path takes on: its procedure, and for a query its input (a body is read later). */
interface Claimed {
  path: string;
  procedure: AnyProcedure;
  query: boolean;
  input: unknown;
}

/** `application/json`, compared the way tRPC's JSON content-type handler compares it. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';
}

/**
 * Answers the common tRPC call (one query by GET, or one mutation by POST with a JSON body) straight
 * from node:http, skipping the Fetch Request/Response, AbortSignal and Hono layers. Every other
 * request, and every request some HTTP-level rule would refuse (cross-origin, size, malformed URL,
 * batches, streaming, unknown procedures, wrong methods), is left to the Hono app, which remains
 * the one place those refusals are made. What it answers is what the stock adapter answers:
 * the same middleware headers, log line, metrics, context, error shapes and statuses.
 */
export function createTrpcFastPath(deps: Deps, options: FastPathOptions) {
  const { config, logger } = deps;
  // At run time tRPC keeps the procedures in a flat record by dotted path.
  const procedures = options.router._def.procedures as unknown as Record<string, AnyProcedure>;
  const rootConfig = options.router._def._config;
  // What transformTRPCResponse does to one answer, without its object spreads.
  const serialize = (value: unknown) => rootConfig.transformer.output.serialize(value) as unknown;
  const sessionCookie = sessionCookieName(config);
  const cartCookie = cartCookieName(config);
  const trusted = new Set(config.TRUSTED_ORIGINS);
  const fixedHeaders: string[] = [
    'Content-Type',
    'application/json',
    'Vary',
    'trpc-accept, accept, Origin',
    'Cache-Control',
    'no-store',
    ...securityHeaders(config).flat(),
  ];

  /** The call, when this request is one the fast path answers exactly like the stock adapter. */
  function claim(req: IncomingMessage): Claimed | null {
    const { method, headers } = req;
    const url = req.url ?? '';
    if (!url.startsWith('/trpc/') || !PLAIN_TARGET.test(url)) return null;
    if (headers.host === undefined || !PLAIN_HOST.test(headers.host)) return null;
    if (headers['trpc-accept'] !== undefined || headers.accept?.includes('application/jsonl')) return null;
    const queryAt = url.indexOf('?');
    const path = url.slice('/trpc/'.length, queryAt === -1 ? undefined : queryAt);
    if (!PLAIN_PATH.test(path)) return null;
    if (!Object.hasOwn(procedures, path)) return null;
    const procedure = procedures[path] as AnyProcedure;

    if (method === 'GET') {
      if (procedure._def.type !== 'query' || headers['content-type'] !== undefined) return null;
      if (queryAt === -1) return { path, procedure, query: true, input: undefined };
      const query = url.slice(queryAt + 1);
      if (!query.startsWith('input=') || query.includes('&')) return null;
      try {
        const text = decodeURIComponent(query.slice('input='.length).replaceAll('+', ' '));
        return text === '' ? null : { path, procedure, query: true, input: JSON.parse(text) };
      } catch {
        return null; // the URL guard answers 400
      }
    }

    if (method === 'POST') {
      if (procedure._def.type !== 'mutation' || queryAt !== -1 || !isJson(headers['content-type']))
        return null;
      const length = Number(headers['content-length']);
      if (headers['transfer-encoding'] !== undefined || !(length <= options.maxBodyBytes)) return null;
      const allowed = isSameOriginOrTrusted({
        secFetchSite: headers['sec-fetch-site'],
        origin: headers.origin,
        ownOrigin: config.PUBLIC_URL ?? `http://${headers.host}`,
        trustedOrigins: config.TRUSTED_ORIGINS,
      });
      return allowed ? { path, procedure, query: false, input: undefined } : null;
    }
    return null;
  }

  async function answer(req: IncomingMessage, res: ServerResponse, call: Claimed, started: number) {
    const { headers } = req;
    const requestId = requestIdFrom(headers['x-request-id'] as string | undefined);
    const responseHeaders = [...fixedHeaders, 'X-Request-Id', requestId];
    const origin = headers.origin;
    if (origin !== undefined && trusted.has(origin))
      responseHeaders.push(...CORS_RESPONSE_HEADERS(origin).flat());
    const ctx = createInnerContext(deps, {
      sessionToken: readCookie(headers.cookie, sessionCookie),
      cartToken: readCookie(headers.cookie, cartCookie),
      clientIp: clientIpOf(
        headers['x-forwarded-for'] as string | undefined,
        req.socket.remoteAddress,
        config.TRUST_PROXY,
      ),
      requestId,
      resHeaders: { append: (name, value) => responseHeaders.push(name, value) },
    });
    const type = call.procedure._def.type;
    let body: string;
    let status = 200;
    try {
      const data = await call.procedure({
        path: call.path,
        getRawInput: async () => call.input,
        ctx,
        type,
        signal: undefined,
        batchIndex: 0,
      });
      body = JSON.stringify({ result: { data: serialize(data) } });
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError({ error, path: call.path, input: call.input, ctx, type, req });
      const shape = getErrorShape({
        config: rootConfig,
        error,
        type,
        path: call.path,
        input: call.input,
        ctx,
      });
      status = getHTTPStatusCode({ error: shape }, [error]);
      body = JSON.stringify({ error: serialize(shape) });
    }
    responseHeaders.push('Content-Length', String(Buffer.byteLength(body)));
    res.writeHead(status, responseHeaders).end(body);
    tryFastPath.answered += 1;
    logRequest(logger, options.metrics, {
      requestId,
      method: req.method ?? '',
      path: `/trpc/${call.path}`,
      status,
      started,
    });
  }

  function fail(res: ServerResponse, error: unknown) {
    logger.error({ err: error }, 'request failed');
    if (res.headersSent) res.destroy();
    else res.writeHead(500, fixedHeaders).end(JSON.stringify(INTERNAL_ERROR));
  }

  /**
   * Answers the request and returns true, or returns false (having read nothing) so the caller
   * hands it to the Hono app. `fallback` gets a POST whose body turned out not to be JSON.
   */
  function tryFastPath(req: IncomingMessage, res: ServerResponse, fallback: Fallback): boolean {
    const call = claim(req);
    if (!call) return false;
    const started = performance.now();
    if (call.query) {
      answer(req, res, call, started).catch((error: unknown) => fail(res, error));
      return true;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      try {
        call.input = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      } catch {
        fallback(req, res, raw); // tRPC answers a malformed body itself
        return;
      }
      answer(req, res, call, started).catch((error: unknown) => fail(res, error));
    });
    return true;
  }
  /** How many requests the fast path answered (tests prove with it that they exercised it). */
  tryFastPath.answered = 0;
  return tryFastPath;
}
