import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp, MAX_BODY_BYTES, trpcErrorLogger } from '../app.js';
import type { Deps } from '../deps.js';
import { appRouter } from '../routers/_app.js';
import { Metrics } from './metrics.js';
import { createTrpcFastPath, type Fallback } from './trpc-fast-path.js';

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
 * The node:http request listener of a server process: the tRPC fast path for the common calls,
 * the Hono app (every middleware, every refusal, the stock tRPC adapter) for everything else.
 */
export function createRequestListener(deps: Deps) {
  const metrics = new Metrics();
  const app = createApp(deps, metrics);
  const stock = getRequestListener(app.fetch);
  const fastPath = createTrpcFastPath(deps, {
    router: appRouter,
    maxBodyBytes: MAX_BODY_BYTES,
    metrics,
    onError: trpcErrorLogger(deps.logger),
  });
  /** A POST the fast path read but will not answer (its body is not JSON) goes to the app whole. */
  const replay: Fallback = (req, res, body) => {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '');
    }
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body,
    });
    Promise.resolve(app.fetch(request, { incoming: req, outgoing: res }))
      .then((response) => writeResponse(res, response))
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'request failed');
        res.destroy();
      });
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!fastPath(req, res, replay)) void stock(req, res);
  };
  return Object.assign(listener, { fastPathAnswers: () => fastPath.answered });
}
