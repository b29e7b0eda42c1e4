import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AnyTRPCRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  type TRPCProcedureType,
} from '@trpc/server';
import { getHTTPStatusCode, type HTTPErrorHandler } from '@trpc/server/http';
import { sessionCookieName } from '../auth/cookies.js';
import { readSessionCredential } from '../auth/credentials.js';
import type { Context, NodeRequest } from '../context.js';
import { crossOriginAllowed } from './cross-origin.js';
import { unexpectedFailure } from './error-response.js';
import type { LiveStreams } from './live-streams.js';
import { indexProcedures } from './procedure-index.js';
import { type AccessLog, logRequest, requestIdFrom } from './request-log.js';
import type { HeaderRule } from './response-headers.js';
import { SSE_HEADERS } from './sse-frames.js';
import { type SubscriptionStream, writeSubscription } from './subscription-stream.js';

/** A procedure path with nothing to decode: no batch comma, no percent-escape, no slash. */
const PLAIN_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
/** A request target the URL parser keeps as it is: printable ASCII, no space, no fragment. */
const PLAIN_TARGET = /^[\x21\x22\x24-\x7e]*$/;
/** A Host header @hono/node-server takes as it is (the same pattern). */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

export interface FastPathOptions {
  router: AnyTRPCRouter;
  config: Context['config'];
  maxBodyBytes: number;
  access: AccessLog;
  headerRule: HeaderRule;
  createContext: (req: NodeRequest, requestId: string, resHeaders: Pick<Headers, 'append'>) => Context;
  onError: HTTPErrorHandler<AnyTRPCRouter, IncomingMessage>;
  /** The open subscription streams (maximum duration, shutdown). */
  streams: LiveStreams;
}

/** Where a POST goes whose body the fast path read but will not answer. */
export type Fallback = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A call the fast path takes on: its procedure, and for a query its input (a body is read later). */
interface Claimed {
  path: string;
  type: TRPCProcedureType;
  input: unknown;
  requestId: string;
  started: number;
}

/** A claimed call, stamped with its request id and arrival time. */
function claimed(req: IncomingMessage, path: string, type: TRPCProcedureType, input: unknown): Claimed {
  const incoming = req.headers['x-request-id'];
  const requestId = requestIdFrom(typeof incoming === 'string' ? incoming : undefined);
  return { path, type, input, requestId, started: performance.now() };
}

/** What tRPC's SSE producer sees as an async generator's events. */
function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The id a reconnecting EventSource sends (Last-Event-ID), when tRPC would use it. */
function lastEventIdOf(req: IncomingMessage): string | undefined {
  const id = req.headers['last-event-id'];
  return typeof id === 'string' ? id : undefined;
}

/** A subscription's input with the Last-Event-ID merged in, as tRPC's request parser does it. */
function withLastEventId(input: unknown, lastEventId: string | undefined): unknown {
  if (!lastEventId) return input;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

/** `application/json`, compared the way tRPC's JSON content-type handler compares it. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';
}

/**
 * Answers the common tRPC call (one query by GET, one mutation by POST with a JSON body, or one
 * subscription by GET as Server-Sent Events: subscription-stream.ts) straight from node:http,
 * skipping the Fetch Request/Response, AbortSignal and Hono layers, on tRPC's public procedure
 * caller and error shape. Every other request, and every request an HTTP-level rule would
 * refuse (cross-origin, size, malformed URL, batches, streaming, unknown procedures, wrong methods),
 * is left to the Hono app, the one place those refusals are made. The headers, request id, log line
 * and metrics come from the same functions the app uses (response-headers.ts, request-log.ts).
 */
export function createTrpcFastPath(options: FastPathOptions) {
  const { router, config, access, headerRule } = options;
  const procedures = indexProcedures(router);
  const serialize = (value: unknown): unknown => router._def._config.transformer.output.serialize(value);
  const sessionCookie = sessionCookieName(config);
  const sse = router._def._config.sse;
  const sseEnabled = sse?.enabled ?? true;
  const pingMs =
    sse?.ping?.enabled && sse.ping.intervalMs !== Infinity && (sse.ping.intervalMs ?? 1000) > 0
      ? (sse.ping.intervalMs ?? 1000)
      : null;
  /**
   * An event's data as JSON, once per object: an event shared by many subscribers (the feeds hand
   * every stream the same object for one event) is serialized once, not once per stream.
   * NOTE: data a subscription yields is not changed afterwards.
   */
  const serialized = new WeakMap<object, string>();
  const toJson = (data: unknown): string => {
    if (typeof data !== 'object' || data === null) return JSON.stringify(serialize(data));
    let json = serialized.get(data);
    if (json === undefined) {
      json = JSON.stringify(serialize(data));
      serialized.set(data, json);
    }
    return json;
  };

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
    const type = procedures.get(path);
    // Both a cookie and a bearer token: the Hono app refuses it (auth/credentials.ts). Without an
    // Authorization header the credential is the cookie or nothing: no need to read it here.
    const credential =
      headers.authorization === undefined
        ? null
        : readSessionCredential(headers.authorization, headers.cookie, sessionCookie);
    if (credential?.via === 'both') return null;

    if (method === 'GET') {
      const readable = type === 'query' || (type === 'subscription' && sseEnabled);
      if (!readable || headers['content-type'] !== undefined) return null;
      if (queryAt === -1) return claimed(req, path, type, undefined);
      const query = url.slice(queryAt + 1);
      if (!query.startsWith('input=') || query.includes('&')) return null;
      try {
        const text = decodeURIComponent(query.slice('input='.length).replaceAll('+', ' '));
        return text === '' ? null : claimed(req, path, type, JSON.parse(text));
      } catch {
        return null; // the URL guard answers 400
      }
    }

    if (method === 'POST') {
      if (type !== 'mutation' || queryAt !== -1 || !isJson(headers['content-type'])) return null;
      const length = Number(headers['content-length']);
      if (headers['transfer-encoding'] !== undefined || !(length <= options.maxBodyBytes)) return null;
      const allowed = crossOriginAllowed(config, {
        method,
        protocol: 'http:',
        host: headers.host,
        secFetchSite: headers['sec-fetch-site'],
        origin: headers.origin,
        bearerOnly: credential?.via === 'bearer',
      });
      return allowed ? claimed(req, path, type, undefined) : null;
    }
    return null;
  }

  function finish(
    req: IncomingMessage,
    res: ServerResponse,
    call: Claimed,
    status: number,
    headers: string[],
    body: string,
  ) {
    headers.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(body)));
    res.writeHead(status, headers).end(body);
    tryFastPath.answered += 1;
    const path = `/trpc/${call.path}`;
    logRequest(access, {
      requestId: call.requestId,
      method: req.method ?? '',
      path,
      status,
      started: call.started,
    });
  }

  /** The call's procedure, through tRPC's public caller, with `input` (the call's, or merged). */
  const callProcedure = (call: Claimed, ctx: Context, input: unknown, signal: AbortSignal | undefined) =>
    callTRPCProcedure({
      router,
      path: call.path,
      getRawInput: async () => input,
      ctx,
      type: call.type,
      signal,
      batchIndex: 0,
    });

  /** A failure of the call, reported to onError, as tRPC's error and its (unserialized) shape. */
  function failureOf(cause: unknown, req: IncomingMessage, call: Claimed, ctx: Context, input: unknown) {
    const { path, type } = call;
    const error = getTRPCErrorFromUnknown(cause);
    options.onError({ error, path, input, ctx, type, req });
    const shape = getTRPCErrorShape({ config: router._def._config, error, type, path, input, ctx });
    return { error, shape };
  }

  async function answer(req: IncomingMessage, res: ServerResponse, call: Claimed) {
    const { requestId, input } = call;
    const headers = headerRule.flat({ requestId, origin: req.headers.origin, trpc: true });
    const ctx = options.createContext(req, requestId, { append: (name, value) => headers.push(name, value) });
    let body: string;
    let status = 200;
    try {
      const data: unknown = await callProcedure(call, ctx, input, undefined);
      body = JSON.stringify({ result: { data: serialize(data) } });
    } catch (cause) {
      const { error, shape } = failureOf(cause, req, call, ctx, input);
      status = getHTTPStatusCode({ error: shape }, [error]);
      body = JSON.stringify({ error: serialize(shape) });
    }
    finish(req, res, call, status, headers, body);
  }

  /**
   * A subscription (GET): the procedure is called first (its middlewares may refuse it, or set
   * headers), then the stream is written as tRPC's SSE producer writes it; a refusal is its
   * in-stream `serialized-error`, as on the stock adapter. Logged and counted once its headers go.
   */
  async function stream(req: IncomingMessage, res: ServerResponse, call: Claimed) {
    const { requestId, path } = call;
    const headers = headerRule.flat({ requestId, origin: req.headers.origin, trpc: true });
    const ctx = options.createContext(req, requestId, { append: (name, value) => headers.push(name, value) });
    const lastEventId = lastEventIdOf(req);
    const input = withLastEventId(call.input, lastEventId);
    const abort = new AbortController();
    let source: SubscriptionStream['source'];
    try {
      const result: unknown = await callProcedure(call, ctx, input, abort.signal);
      source = isAsyncIterable(result)
        ? { events: result }
        : {
            // NOTE: an observable would need tRPC's internal adapter; every subscription here is an
            // async generator.
            error: new TRPCError({
              code: 'INTERNAL_SERVER_ERROR',
              message: `Subscription ${path} did not return an observable or a AsyncGenerator`,
            }),
          };
    } catch (cause) {
      source = { error: cause };
    }
    headers.push(...SSE_HEADERS);
    tryFastPath.answered += 1;
    logRequest(access, {
      requestId,
      method: 'GET',
      path: `/trpc/${path}`,
      status: 200,
      started: call.started,
    });
    await writeSubscription(res, {
      source,
      abort,
      headers,
      pingMs,
      clientOptions: sse?.client ?? {},
      lastEventId: lastEventId && !/[\0\n\r]/.test(lastEventId) ? lastEventId : null,
      toJson,
      errorJson: (cause) => JSON.stringify(serialize(failureOf(cause, req, call, ctx, input).shape)),
      streams: options.streams,
    });
  }

  /** An unexpected failure outside the procedure: logged, and answered like the app's onError. */
  function fail(req: IncomingMessage, res: ServerResponse, call: Claimed, error: unknown) {
    access.logger.error({ requestId: call.requestId, err: error }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const headers = headerRule.flat({ requestId: call.requestId, origin: req.headers.origin, trpc: true });
    const { status, body } = unexpectedFailure(error);
    finish(req, res, call, status, headers, JSON.stringify(body));
  }

  /**
   * Answers the request and returns true, or returns false (having read nothing) so the caller
   * hands it to the Hono app. `fallback` gets a POST whose body turned out not to be JSON.
   */
  function tryFastPath(req: IncomingMessage, res: ServerResponse, fallback: Fallback): boolean {
    const call = claim(req);
    if (!call) return false;
    if (call.type === 'query') {
      answer(req, res, call).catch((error: unknown) => fail(req, res, call, error));
      return true;
    }
    if (call.type === 'subscription') {
      stream(req, res, call).catch((error: unknown) => fail(req, res, call, error));
      return true;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const raw = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
      try {
        call.input = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      } catch {
        fallback(req, res, raw); // tRPC answers a malformed body itself
        return;
      }
      answer(req, res, call).catch((error: unknown) => fail(req, res, call, error));
    });
    return true;
  }
  /** How many requests the fast path answered (tests prove with it that they exercised it). */
  tryFastPath.answered = 0;
  return tryFastPath;
}

export type TrpcFastPath = ReturnType<typeof createTrpcFastPath>;
