/**
 * The live-updates scenario of `npm run bench`: SUBSCRIBERS open catalog.watchStock streams (raw
 * SSE over node:http with a plain string parser), then an admin changes the watched
 * variant's stock BENCH_LIVE_EVENTS_PER_SECOND (5) times a second for `seconds`; every change is one event for every stream.
 * Reports deliveries per second, two latencies to each delivery (p50, p99) and the server's memory
 * per 100 idle streams (the RSS growth of all its processes over all the streams, and over the
 * second half of them). The latencies:
 * - server's change → delivery: from the event's `created_at` (the server's clock when it took the
 *   change in hand, before the transaction that writes the event commits) to the stream receiving
 *   it; client and server read the same machine clock. An upper bound on commit → delivery that
 *   counts the change's own transaction, but not the request's trip or its wait to be handled.
 * - sent → delivery: from the client sending the change request, so it also counts that trip and
 *   wait (the change request's own time, sent → answered, has a column of its own).
 */
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';

export interface LiveResult {
  subscribers: number;
  events: number;
  deliveriesPerSecond: number;
  /** The server's handling of the change (the event's created_at) → delivery, p50 and p99 in ms. */
  changedP50: number;
  changedP99: number;
  /** The client sending the change → delivery, p50 and p99 in ms. */
  sentP50: number;
  sentP99: number;
  /** KB of RSS per 100 idle streams: over all of them, and over the second half only. */
  kbPer100Idle: { all: number; secondHalf: number };
  missing: number;
  /** The stock change's own request (sent → answered, i.e. its commit), p50 and p99 in ms. */
  changeP50: number;
  changeP99: number;
  /** Server CPU (all its processes) per delivery during the run, in µs: steadier than latency. */
  cpuUsPerDelivery: number;
}

export interface LiveTarget {
  url: string;
  /** The server's process ids (the primary and its workers). */
  pids: () => number[];
  /** CPU time of the server's processes so far, in clock ticks (100 per second). */
  cpuTicks: () => number;
  adminCookie: string;
  productId: string;
  variantId: string;
  /** `created_at` (epoch ms) of these live events, by id, read from the server's database. */
  eventTimes: (ids: number[]) => Promise<Map<number, number>>;
}

const RATE = Number(process.env.BENCH_LIVE_EVENTS_PER_SECOND ?? 5);

function rssKb(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine's clock in epoch ms, as the server's Date.now() reads it but finer. */
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * One SSE stream: calls `onEvent(data, id)` for each tracked event; resolves once it is open.
 * NOTE: node:http and a plain string parser, not fetch + TextDecoderStream: the client shares the
 * server's cores, and 1,000 web streams cost it more CPU than the server spends delivering.
 */
function openStream(
  url: string,
  onEvent: (data: string, id: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { accept: 'text/event-stream' }, agent: false, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream refused: ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          // A tracked event is `data: …` and `id: …` lines (pings and `connected` have an `event:` line).
          const at = message.indexOf('data: ');
          const id = /^id: (\d+)$/m.exec(message)?.[1];
          if (at !== -1 && !message.includes('event:') && id !== undefined) {
            onEvent(message.slice(at + 'data: '.length, message.indexOf('\n', at)), Number(id));
          }
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => {}); // the bench aborts every stream at the end
      resolve();
    });
    req.on('error', (error) => {
      if (!signal.aborted) reject(error);
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

export async function measureLive(
  target: LiveTarget,
  subscribers: number,
  seconds: number,
): Promise<LiveResult> {
  const abort = new AbortController();
  setMaxListeners(subscribers + 10, abort.signal); // every stream listens for the end of the run
  const sentAt = new Map<number, number>();
  const sinceSent: number[] = [];
  /** Each delivery's event id and when it arrived (epoch ms), for the server's change → delivery. */
  const deliveries: { id: number; at: number }[] = [];
  let delivered = 0;
  const input = encodeURIComponent(JSON.stringify({ productIds: [target.productId] }));
  const streamUrl = `${target.url}/trpc/catalog.watchStock?input=${input}`;
  const onEvent = (data: string, id: number) => {
    const { available } = JSON.parse(data) as { available: number };
    const sent = sentAt.get(available);
    delivered += 1;
    deliveries.push({ id, at: epochMs() });
    if (sent !== undefined) sinceSent.push(performance.now() - sent);
  };
  const openStreams = async (count: number) => {
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, () => openStream(streamUrl, onEvent, abort.signal)),
      );
    }
    await sleep(1_000);
    return rssKb(target.pids());
  };
  // NOTE: memory per idle stream, two ways, both the RSS growth of all the server's processes: over
  // all the streams, and over the second half only. The first half also grows each process's young
  // generation (up to 16 MB a process, once) and V8 grows its heap in steps, so either figure moves
  // by about 1 MB per 100 streams from run to run; the two together bound it.
  const before = rssKb(target.pids());
  const half = Math.floor(subscribers / 2);
  const midway = await openStreams(half);
  const end = await openStreams(subscribers - half);
  const kbPer100Idle = {
    all: Math.round(((end - before) / subscribers) * 100),
    secondHalf: Math.round(((end - midway) / (subscribers - half)) * 100),
  };
  const adjust = async () => {
    const sent = performance.now();
    const response = await fetch(`${target.url}/trpc/admin.inventory.adjust`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: target.adminCookie },
      body: JSON.stringify({ variantId: target.variantId, delta: 1, reason: 'bench' }),
    });
    const body = (await response.json()) as { result?: { data?: { stock: number } } };
    const stock = body.result?.data?.stock;
    if (stock === undefined) throw new Error(`stock change refused: ${JSON.stringify(body)}`);
    return { stock, sent };
  };
  // NOTE: the send time is only known per stock level once the answer says which level it made:
  // changes are sequential, so level k+1 is the next change's.
  // A first change reaches every stream: all are subscribed and the server is idle again.
  const { stock: first } = await adjust();
  const settleBy = performance.now() + 120_000;
  while (delivered < subscribers && performance.now() < settleBy) await sleep(20);
  if (delivered < subscribers)
    throw new Error(`only ${delivered} of ${subscribers} streams got the first event`);
  delivered = 0;
  deliveries.length = 0;

  let events = 0;
  const changeMs: number[] = [];
  const ticksBefore = target.cpuTicks();
  const started = performance.now();
  let next = first + 1;
  while (performance.now() - started < seconds * 1000) {
    const due = started + (events + 1) * (1000 / RATE);
    await sleep(Math.max(0, due - performance.now()));
    sentAt.set(next, performance.now());
    const { stock, sent } = await adjust();
    changeMs.push(performance.now() - sent);
    next = stock + 1;
    events += 1;
  }
  const elapsed = (performance.now() - started) / 1000;
  await sleep(1_000); // the last deliveries
  const cpuUs = (target.cpuTicks() - ticksBefore) * 10_000;
  abort.abort();
  const expected = events * subscribers;
  const createdAt = await target.eventTimes([...new Set(deliveries.map((d) => d.id))]);
  const sinceChange = deliveries.map(({ id, at }) => {
    const created = createdAt.get(id);
    if (created === undefined) throw new Error(`delivered event ${id} is not in live_event`);
    return at - created;
  });
  sinceChange.sort((a, b) => a - b);
  sinceSent.sort((a, b) => a - b);
  changeMs.sort((a, b) => a - b);
  const ms = (sorted: number[], p: number) => Math.round(percentile(sorted, p) * 10) / 10;
  return {
    subscribers,
    events,
    deliveriesPerSecond: Math.round(delivered / (elapsed + 1)),
    changedP50: ms(sinceChange, 50),
    changedP99: ms(sinceChange, 99),
    sentP50: ms(sinceSent, 50),
    sentP99: ms(sinceSent, 99),
    kbPer100Idle,
    missing: Math.max(0, expected - delivered),
    changeP50: ms(changeMs, 50),
    changeP99: ms(changeMs, 99),
    cpuUsPerDelivery: delivered === 0 ? 0 : Math.round(cpuUs / delivered),
  };
}
