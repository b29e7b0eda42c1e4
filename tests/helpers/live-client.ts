import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '../../shared/index.js';
import { CookieJar } from './client.js';

/**
 * A typed client as a front-end builds it: subscriptions over SSE (httpSubscriptionLink, with the
 * `eventsource` ponyfill: Node 20 has no EventSource) and everything else through the batch link,
 * both sending the cookies of `jar` (the batch link also keeps what the server sets), over real
 * sockets to `baseUrl` (`http://127.0.0.1:<port>`).
 */
export function createLiveClient(baseUrl: string, jar = new CookieJar()) {
  const send = async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (jar.cookies.size > 0) headers.set('cookie', jar.header());
    const response = await fetch(input, { ...init, headers });
    jar.store(response);
    return response;
  };
  const url = `${baseUrl}/trpc`;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, EventSource, eventSourceOptions: { fetch: send } }),
        false: httpBatchLink({ url, fetch: send }),
      }),
    ],
  });
  return Object.assign(client, { jar });
}

export type LiveClient = ReturnType<typeof createLiveClient>;

/** The tRPC error data a subscription ended with (code, reason), as far as it has them. */
export interface StreamError {
  message: string;
  data?: { code?: string; reason?: string } | null;
}

export interface Received<T> {
  events: { id: string; data: T }[];
  errors: StreamError[];
  /** Resolves with the first `count` events once they arrived (rejects on a stream error or after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<{ id: string; data: T }[]>;
  /** Resolves with the subscription's error once it failed. */
  error(timeoutMs?: number): Promise<StreamError>;
  /** Resolves once the stream is open (the server's `connected` event arrived). */
  started(timeoutMs?: number): Promise<void>;
  /** Resolves once the server ended the subscription (it completed). */
  completed(timeoutMs?: number): Promise<void>;
  stop(): void;
}

type Subscribe<T> = (handlers: {
  onStarted: () => void;
  onData: (event: { id: string; data: T }) => void;
  onError: (error: StreamError) => void;
  onComplete: () => void;
}) => { unsubscribe(): void };

/** Collects a subscription's events: `collect((h) => client.orders.watch.subscribe(input, h))`. */
export function collect<T>(subscribe: Subscribe<T>): Received<T> {
  const events: { id: string; data: T }[] = [];
  const errors: StreamError[] = [];
  let done = false;
  let open = false;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const subscription = subscribe({
    onStarted: () => {
      open = true;
      changed();
    },
    onData: (event) => {
      events.push(event);
      changed();
    },
    onError: (error) => {
      errors.push(error);
      changed();
    },
    onComplete: () => {
      done = true;
      changed();
    },
  });
  const until = <R>(ready: () => R | undefined, what: string, timeoutMs: number) =>
    new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out waiting for ${what} (got ${events.length} events, ${errors.length} errors)`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      function check() {
        let value: R | undefined;
        try {
          value = ready();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value === undefined) return;
        cleanup();
        resolve(value);
      }
      waiters.add(check);
      check();
    });
  return {
    events,
    errors,
    waitFor: (count, timeoutMs = 10_000) =>
      until(
        () => {
          if (errors[0]) throw new Error(`stream failed: ${errors[0].message}`);
          return events.length >= count ? events.slice(0, count) : undefined;
        },
        `${count} events`,
        timeoutMs,
      ),
    error: (timeoutMs = 10_000) => until(() => errors[0], 'an error', timeoutMs),
    started: (timeoutMs = 10_000) =>
      until(() => (open ? true : undefined), 'the stream', timeoutMs).then(() => {}),
    completed: (timeoutMs = 10_000) =>
      until(() => (done ? true : undefined), 'completion', timeoutMs).then(() => {}),
    stop: () => subscription.unsubscribe(),
  };
}
