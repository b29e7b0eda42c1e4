import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { refusalFor, unexpectedFailure } from './error-response.js';
import { PAYLOAD_TOO_LARGE } from './limits.js';
import { type AccessLog, logRequest, requestIdFrom } from './request-log.js';
import { answersForSession, type HeaderRule } from './response-headers.js';
import type { Fallback, TrpcFastPath } from './trpc-fast-path.js';

/** The most of a refused body read and thrown away before the connection is closed. */
const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** How long a refused body is read and thrown away before the connection is closed. */
const LINGER_MS = 2_000;

export interface ListenerParts {
  /** The Hono app's fetch: every rule, every refusal, the stock tRPC adapter. */
  fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;
  fastPath: TrpcFastPath | null;
  maxBodyBytes: number;
  access: AccessLog;
  headerRule: HeaderRule;
}

/** The request's id (a sane incoming X-Request-Id, or a new one). */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return requestIdFrom(typeof incoming === 'string' ? incoming : undefined);
}

/** The URL's path, without the query string. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?', 1)[0] ?? '';
}

/** Writes a Fetch Response to a node:http response (bodies here are small JSON or text). */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie);
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, headers).end(body);
}

/**
 * The node:http request listener of the server, the one `npm start` runs and the tests drive over
 * a socket: a declared body over the limit is refused here, the tRPC fast path answers the common
 * calls, and the Hono app everything else.
 */
export function createRequestListener(parts: ListenerParts) {
  const { fetch, fastPath, maxBodyBytes, access, headerRule } = parts;
  const stock = getRequestListener(fetch);

  /** A POST the fast path read but will not answer (its body is not JSON) goes to the app whole. */
  const replay: Fallback = (req, res, body) => {
    const started = performance.now();
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    }
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body,
    });
    Promise.resolve(fetch(request, { incoming: req, outgoing: res }))
      .then((response) => writeResponse(res, response))
      .catch((error: unknown) => answerFailure(req, res, error, started));
  };

  /**
   * Writes an answer the listener makes itself (headers from the header rule, a JSON body) and logs
   * it; `end: false` leaves the response open (the 413 ends it once the body is drained).
   */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    reply: { status: number; body: unknown; requestId: string; started: number; close?: boolean },
  ) => {
    const path = pathOf(req);
    const text = JSON.stringify(reply.body);
    const headers = headerRule.flat({
      requestId: reply.requestId,
      origin: req.headers.origin,
      trpc: answersForSession(path),
    });
    headers.push('Content-Type', 'application/json', 'Content-Length', String(Buffer.byteLength(text)));
    if (reply.close) headers.push('Connection', 'close');
    res.writeHead(reply.status, headers);
    res.write(text);
    const { requestId, started, status } = reply;
    logRequest(access, { requestId, method: req.method ?? '', path, status, started });
  };

  /** A failure outside every handler: logged with its request id, answered by the one rule, counted. */
  const answerFailure = (req: IncomingMessage, res: ServerResponse, error: unknown, started: number) => {
    const requestId = requestIdOf(req);
    access.logger.error({ requestId, err: error }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, body } = unexpectedFailure(error);
    answer(req, res, { status, body: refusalFor(pathOf(req), body), requestId, started });
    res.end();
  };

  /**
   * 413 for a body declared over the limit, before any of it is read. The answer says
   * `Connection: close`; the body is read and dropped for a while before the end of the answer
   * closes the connection, so the client gets the 413 instead of a reset while it is still sending.
   */
  const refuseOversized = (req: IncomingMessage, res: ServerResponse) => {
    const reply = { status: 413, body: refusalFor(pathOf(req), PAYLOAD_TOO_LARGE), close: true };
    answer(req, res, { ...reply, requestId: requestIdOf(req), started: performance.now() });
    let drained = 0;
    const close = () => {
      clearTimeout(timer);
      req.off('data', onData);
      if (!res.writableEnded) res.end();
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > LINGER_MAX_BYTES) close();
    };
    const timer = setTimeout(close, LINGER_MS);
    req.on('data', onData);
    req.on('end', close);
    req.on('error', close);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > maxBodyBytes) refuseOversized(req, res);
    else if (!fastPath?.(req, res, replay)) void stock(req, res);
  };
  return Object.assign(listener, { fastPathAnswers: () => fastPath?.answered ?? 0 });
}
