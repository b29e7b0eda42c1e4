import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: URLSearchParams;
}

/**
 * A small local stand-in for the two Stripe endpoints Backroom uses (POST /v1/payment_intents,
 * POST /v1/refunds), answering like Stripe and honouring Idempotency-Key. The official SDK talks
 * to it through STRIPE_API_URL.
 */
export async function startStripeStub() {
  const calls: StubCall[] = [];
  const byKey = new Map<string, string>();
  let counter = 0;
  let failNext = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      calls.push({ method: req.method ?? '', path: req.url ?? '', idempotencyKey, params });
      res.setHeader('content-type', 'application/json');
      if (failNext > 0) {
        failNext -= 1;
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { type: 'api_error', message: 'stub failure' } }));
        return;
      }
      const replay = idempotencyKey ? byKey.get(`${req.url}:${idempotencyKey}`) : undefined;
      if (replay) return res.end(replay);
      counter += 1;
      let answer: Record<string, unknown>;
      if (req.method === 'POST' && req.url === '/v1/payment_intents') {
        const id = `pi_stub_${counter}`;
        answer = {
          id,
          object: 'payment_intent',
          amount: Number(params.get('amount')),
          currency: params.get('currency'),
          client_secret: `${id}_secret_${counter}`,
          status: 'requires_payment_method',
          metadata: { orderId: params.get('metadata[orderId]') },
        };
      } else if (req.method === 'POST' && req.url === '/v1/refunds') {
        answer = {
          id: `re_stub_${counter}`,
          object: 'refund',
          amount: Number(params.get('amount')),
          payment_intent: params.get('payment_intent'),
          status: 'succeeded',
        };
      } else {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ error: { type: 'invalid_request_error', message: `no ${req.url}` } }),
        );
      }
      const text = JSON.stringify(answer);
      if (idempotencyKey) byKey.set(`${req.url}:${idempotencyKey}`, text);
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** The next n calls answer 500. */
    failNext: (n: number) => {
      failNext = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type StripeStub = Awaited<ReturnType<typeof startStripeStub>>;
