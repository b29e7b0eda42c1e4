import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll } from 'vitest';

/** Statuses whose answers have no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/** One keep-alive agent per client address, shared by every socketFetch of a test file. */
const agents = new Map<string, Agent>();

/** Closes every kept-alive socket; each test file does this after its tests. */
export function destroySocketAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

afterAll(destroySocketAgents);

function agentFor(clientAddress: string): Agent {
  let agent = agents.get(clientAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, localAddress: clientAddress });
    agents.set(clientAddress, agent);
  }
  return agent;
}

/**
 * A fetch over a real loopback socket from a chosen client address (any 127.x.y.z works on
 * Linux), so the server sees that address as the client's. The URL's host is kept as the Host
 * header; the connection goes to `server` (`http://127.0.0.1:<port>`).
 */
export function socketFetch(server: () => Promise<string>, clientAddress = '127.0.0.1') {
  if (!clientAddress.startsWith('127.'))
    throw new Error(`a test client address must be loopback: ${clientAddress}`);
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const sent = new Request(input, init);
    const target = new URL(await server());
    const url = new URL(sent.url);
    const headers: Record<string, string> = { host: url.host };
    sent.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: sent.method,
          path: url.pathname + url.search,
          headers,
          agent: agentFor(clientAddress),
        },
        (res) => {
          const answerHeaders = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            answerHeaders.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const body = NO_BODY.has(status) ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, statusText: res.statusMessage, headers: answerHeaders }));
          });
        },
      );
      outgoing.on('error', reject);
      if (sent.body === null) outgoing.end();
      // A failing body (or a request that dies while it is sent) rejects instead of hanging.
      else
        pipeline(Readable.fromWeb(sent.body), outgoing).catch((error: unknown) => {
          outgoing.destroy();
          reject(error);
        });
    });
  };
}
