import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpClient } from '../helpers/http-client.js';
import { eventually, startSmtpReceiver } from '../helpers/receivers.js';
import { runUntilExit, shopDatabase, startServer, tempDir } from '../helpers/server-process.js';

/** A POST whose body is sent in two halves, so it is in flight for as long as the test wants. */
function halfSentPost(url: string, body: string) {
  const request = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const half = Math.floor(body.length / 2);
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, half));
  const headersSent = new Promise<void>((resolve) =>
    request.on('socket', (socket) => socket.on('connect', () => setTimeout(resolve, 100))),
  );
  return {
    headersSent,
    finish: () => {
      request.end(body.slice(half));
      return response;
    },
  };
}

describe('the real server process', () => {
  it('serves sign-up over HTTP on a file database, finishes in-flight work on SIGTERM, exits 0, and restarts clean', async () => {
    const databasePath = join(tempDir(), 'shop.db');
    const env = {
      DATABASE_PATH: databasePath,
      ADMIN_EMAIL: 'owner@example.com',
      ADMIN_PASSWORD: 'owner-password',
    };
    const server = await startServer(env);
    const account = { email: 'buyer@example.com', password: 'buyer-password', name: 'Buyer' };

    const client = httpClient(server.url);
    const { user } = await client.auth.signUp.mutate(account);
    expect(user.email).toBe(account.email);
    expect((await client.auth.me.query())?.id).toBe(user.id);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ok: true });

    // A sign-in is in flight when SIGTERM arrives (half its body sent): it must still complete.
    const body = JSON.stringify({ email: account.email, password: account.password });
    const inFlight = halfSentPost(`${server.url}/trpc/auth.signIn`, body);
    await inFlight.headersSent;
    const exited = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const answer = await inFlight.finish();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result.data.user.id).toBe(user.id);
    expect(await exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    await expect(fetch(`${server.url}/healthz`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });

    const again = await startServer(env);
    try {
      const { user: back } = await httpClient(again.url).auth.signIn.mutate({
        email: account.email,
        password: account.password,
      });
      expect(back.id).toBe(user.id);
      const { user: admin } = await httpClient(again.url).auth.signIn.mutate({
        email: 'owner@example.com',
        password: 'owner-password',
      });
      expect(admin.role).toBe('admin');
    } finally {
      expect(await again.stop('SIGINT')).toBe(0);
    }
  }, 60_000);

  it('never hands admin to an account someone signed up under ADMIN_EMAIL before the first start with it, and logs why at error level', async () => {
    const databasePath = join(tempDir(), 'squatted.db');
    const first = await startServer({ DATABASE_PATH: databasePath });
    const squatter = { email: 'owner@example.com', password: 'squatter-password', name: 'Not the owner' };
    await httpClient(first.url).auth.signUp.mutate(squatter);
    expect(await first.stop()).toBe(0);

    const server = await startServer({
      DATABASE_PATH: databasePath,
      ADMIN_EMAIL: 'owner@example.com',
      ADMIN_PASSWORD: 'operator-password',
    });
    try {
      const { user } = await httpClient(server.url).auth.signIn.mutate({
        email: squatter.email,
        password: squatter.password,
      });
      expect(user.role).toBe('customer');
      const refused = await httpClient(server.url)
        .auth.signIn.mutate({ email: squatter.email, password: 'operator-password' })
        .catch((error: { data?: { reason?: string } }) => error.data?.reason);
      expect(refused).toBe('INVALID_CREDENTIALS');
      const errorLine = server
        .output()
        .split('\n')
        .find((line) => line.includes('"level":50'));
      expect(errorLine).toContain('NOT made admin');
      expect(server.output()).not.toContain('operator-password');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('drains 20 in-flight requests on SIGTERM under load, refuses new connections, exits 0, restarts clean', async () => {
    // On the run's engine (a PostgreSQL database of its own under TEST_ENGINE=postgres).
    const database = await shopDatabase('drain');
    const server = await startServer(database);
    const accounts = Array.from({ length: 20 }, (_, i) => ({
      email: `drain${i}@example.com`,
      password: 'drain-password',
      name: 'D',
    }));
    for (const account of accounts) await httpClient(server.url).auth.signUp.mutate(account);
    const inFlight = accounts.map(({ email, password }) =>
      halfSentPost(`${server.url}/trpc/auth.signIn`, JSON.stringify({ email, password })),
    );
    await Promise.all(inFlight.map((request) => request.headersSent));
    const exited = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    // No new connections.
    await expect(fetch(`${server.url}/healthz`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    const answers = await Promise.all(inFlight.map((request) => request.finish()));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await exited).toBe(0);

    const again = await startServer(database);
    try {
      const [first] = accounts;
      expect(
        (
          await httpClient(again.url).auth.signIn.mutate({
            email: 'drain0@example.com',
            password: 'drain-password',
          })
        ).user.email,
      ).toBe(first?.email);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 60_000);

  it('serves the demo store on a fresh database by default', async () => {
    const server = await startServer({ ...(await shopDatabase('fresh')), SEED_DEMO: 'true' });
    try {
      const client = httpClient(server.url);
      const page = await client.catalog.products.query({ limit: 5 });
      expect(page.items).toHaveLength(5);
      expect(page.nextCursor).not.toBeNull();
      expect((await client.catalog.categories.query()).length).toBeGreaterThanOrEqual(8);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it('exits 1 with a one-line reason when the port is taken or Stripe lacks its secrets', async () => {
    const database = await shopDatabase('port-taken');
    const running = await startServer(database);
    try {
      const port = new URL(running.url).port;
      const taken = await runUntilExit({ ...database, PORT: port });
      expect(taken.code).toBe(1);
      expect(taken.output).toContain('Backroom could not start: listen EADDRINUSE');
      expect(taken.output).not.toMatch(/\n\s+at /);
      const takenByWorkers = await runUntilExit({
        ...database,
        PORT: port,
        WORKERS: '2',
      });
      expect(takenByWorkers.code).toBe(1);
      expect(takenByWorkers.output).toContain('EADDRINUSE');
    } finally {
      expect(await running.stop()).toBe(0);
    }
    const stripe = await runUntilExit({ DATABASE_PATH: ':memory:', PAYMENT_PROVIDER: 'stripe' });
    expect(stripe.code).toBe(1);
    expect(stripe.output).toContain('STRIPE_SECRET_KEY: required when PAYMENT_PROVIDER=stripe');
    expect(stripe.output).toContain('STRIPE_WEBHOOK_SECRET: required when PAYMENT_PROVIDER=stripe');
  }, 60_000);

  it('runs WORKERS=2 processes on one port and file: shared sessions, jobs in one process, clean stop', async () => {
    const smtp = await startSmtpReceiver();
    const server = await startServer({
      DATABASE_PATH: join(tempDir(), 'workers.db'),
      WORKERS: '2',
      SMTP_URL: smtp.url,
      OUTBOX_RETRY_BASE_MS: '100',
    });
    try {
      // The primary hands connections only to workers that listen: wait until both do.
      await eventually(() => (server.output().match(/"msg":"listening"/g) ?? []).length === 2);
      const client = httpClient(server.url, { batch: false });
      const { user } = await client.auth.signUp.mutate({
        email: 'two@example.com',
        password: 'two-password',
        name: 'Two',
      });
      const seen = await Promise.all(Array.from({ length: 20 }, () => client.auth.me.query()));
      expect(seen.every((me) => me?.id === user.id)).toBe(true);
      const workers = new Set([...server.output().matchAll(/"worker":(\d+),"requestId"/g)].map((m) => m[1]));
      expect(workers).toEqual(new Set(['0', '1']));
      await eventually(() => smtp.messages.length === 1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.messages.map((m) => m.subject)).toEqual(['Welcome to Backroom Demo Store']);
    } finally {
      expect(await server.stop()).toBe(0);
      await smtp.close();
    }
    expect(server.output()).toContain('all workers stopped');
  }, 60_000);

  it('refuses to start on a bad setting, exits 1 and names the variable', async () => {
    const { code, output } = await runUntilExit({ DATABASE_PATH: ':memory:', PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(output).toContain('PORT: expected a port number');
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 30_000);
});
