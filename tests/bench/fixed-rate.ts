/**
 * An open-loop load generator for the bench's fixed-rate scenario: it sends requests at evenly
 * spaced times, `rate` a second, whatever the answers do, over at most `connections` keep-alive
 * connections, and times each request from the moment it was due. A request that waited for a
 * free connection counts that wait, so a server that falls behind shows it (no coordinated
 * omission).
 *
 * autocannon's `overallRate` does neither. Each connection sends as fast as answers come until it
 * has made its share of the second, then waits for its next one-second tick, and every
 * connection's tick starts together: the load arrives as a closed-loop burst of all the
 * connections at the start of each second, then nothing. And it records each latency "with an
 * expected interval" of `Math.ceil(1 / rate)` = 1 ms, which adds a synthetic sample for every
 * millisecond the answer took (a 200 ms answer counts 200 times). Both made its p99 at a "rate"
 * that of a saturated server.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TimedRequest {
  method: 'GET' | 'POST';
  /** Path and query, after the target's origin. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FixedRateResult {
  /** Requests due in the run (rate × seconds). */
  sent: number;
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
  /** Answers per second over the run, from the first due time to the last answer. */
  answeredPerSecond: number;
  /** Milliseconds from due to answered, over every answer. */
  p50: number;
  p99: number;
}

/** The value below which `share` of the sorted `values` fall. */
function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}

/** One request, resolved with its status (0 for an error or a timeout) when its answer has ended. */
function send(agent: Agent, origin: URL, next: TimedRequest, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: next.method,
        path: next.path,
        headers:
          next.body === undefined
            ? next.headers
            : { ...next.headers, 'content-length': Buffer.byteLength(next.body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(next.body);
  });
}

/** Sends `rate` requests a second for `seconds`, each built by `next` when it is due. */
export async function fixedRate(options: {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  next: () => TimedRequest;
  timeoutMs?: number;
}): Promise<FixedRateResult> {
  const { rate, seconds, connections } = options;
  const origin = new URL(options.url);
  // FIFO: each request takes the connection idle longest, so the load spreads over every open
  // connection, and so over every API process (node's default, LIFO, kept reusing the few last
  // used: with WORKERS=2 one process took most requests, and its one core capped the rate).
  const agent = new Agent({ keepAlive: true, maxSockets: connections, scheduling: 'fifo' });
  const due = Math.round(rate * seconds);
  const latencies: number[] = [];
  const answers: Promise<void>[] = [];
  let ok = 0;
  let failed = 0;
  let lastAnswer = 0;
  const start = performance.now();
  const dueAt = (i: number) => start + (i * 1000) / rate;
  let sent = 0;
  while (sent < due) {
    const wait = dueAt(sent) - performance.now();
    if (wait > 0) await sleep(wait);
    // Everything due by now goes out now (a timer fires late by up to a millisecond or so).
    for (const now = performance.now(); sent < due && dueAt(sent) <= now; sent++) {
      const at = dueAt(sent);
      answers.push(
        send(agent, origin, options.next(), options.timeoutMs ?? 10_000).then((status) => {
          lastAnswer = performance.now();
          if (status >= 200 && status < 300) {
            ok++;
            latencies.push(lastAnswer - at);
          } else {
            failed++;
          }
        }),
      );
    }
  }
  await Promise.all(answers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    sent,
    ok,
    failed,
    answeredPerSecond: ok / ((lastAnswer - start) / 1000 || 1),
    p50: Math.round(percentile(latencies, 0.5)),
    p99: Math.round(percentile(latencies, 0.99)),
  };
}
