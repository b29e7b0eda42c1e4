/**
 * `npm run bench`: Backroom against a bare node:http + better-sqlite3 reference on a generated
 * 100k-product catalogue, over loopback with autocannon (50 connections, 10 s per scenario after a
 * 3 s warm-up), alternating the two servers. Prints a table and writes it to bench-results/latest.md
 * (latest-workers-N.md with BENCH_WORKERS=N).
 * `checkout.placeOrder` is placeOrder alone, each request from the next of ORDER_CUSTOMERS signed-in
 * customers with a one-line cart, all for one best-selling variant (every order takes that one row's
 * lock); `checkout.placeOrder, spread` is the same with each cart's variant one of SPREAD_VARIANTS;
 * `…, N orders/s offered` sends the spread orders at a fixed BENCH_ORDER_RATE (500), evenly spaced
 * and timed from when each was due (tests/bench/fixed-rate.ts, not autocannon), instead of as fast
 * as they are answered, so its latency is the server's at that load. Orders/s counts 2xx answers
 * only, and any non-2xx is shown (a non-2xx there means the measure is wrong).
 * `cart.addItem` adds one unit to the cart of the next of CART_SHOPPERS signed-in shoppers (see its
 * block below): the cost of one add to a small cart, not to a cart grown to hundreds of lines.
 * With BENCH_DATABASE_URL (a PostgreSQL server; the bench creates and drops a database of its own
 * there) the same data is copied into PostgreSQL before the SQLite run (db:copy) and the same
 * scenarios run again on it, Backroom with BENCH_PROCESSES API processes (default 2) against a bare
 * node:http + `pg` reference; one table shows both engines.
 * Not part of `npm test`: timings are measured here, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { copySqliteToPostgres } from '../../db/postgres/copy.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { SESSION_LIFETIME_MS } from '../../server/auth/sessions.js';
import { generateToken, hashToken } from '../../server/auth/tokens.js';
import { newId } from '../../server/ids.js';
import { generateCatalogOn } from '../../server/services/catalog/generate-catalog.js';
import { buildServer, ROOT, startArguments } from '../helpers/start-command.js';
import { fixedRate, type TimedRequest } from './fixed-rate.js';
import { measureLive } from './live.js';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const CUSTOMERS = 400;
/** Signed-in customers with a one-line cart, one per placeOrder request (warm-up included). */
/** One customer per order: enough for 4,000 orders/s through the warm-up and the run. */
const ORDER_CUSTOMERS = Number(process.env.BENCH_ORDER_CUSTOMERS ?? (DURATION + 3) * 4_000);
/**
 * Shoppers for cart.addItem, sized like ORDER_CUSTOMERS so that even at 6,000 adds/s each one gets
 * about six adds over the warm-up and the run: three lines of one or two units at the end.
 */
const CART_SHOPPERS = Number(process.env.BENCH_CART_SHOPPERS ?? (DURATION + 3) * 1_000);
/** How many variants the spread placeOrder scenario's orders share out (up to 1,996). */
const SPREAD_VARIANTS = Number(process.env.BENCH_SPREAD_VARIANTS ?? 1_000);
/** Runs only the scenarios whose name contains this text (for quick experiments). */
const ONLY = process.env.BENCH_ONLY ?? '';
/** A directory: Backroom runs with `--cpu-prof` and writes its profile there when it stops. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF ?? '';
/** Backroom's WORKERS on SQLite (the reference is always one process). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
/** A PostgreSQL server URL: the bench also runs there, on a database it creates and drops. */
const POSTGRES_SERVER_URL = process.env.BENCH_DATABASE_URL ?? '';
/** Backroom's API processes on PostgreSQL (WORKERS; they share nothing but the database). */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
/** The fixed rate of the third placeOrder scenario (spread), in orders per second offered. */
const ORDER_RATE = Number(process.env.BENCH_ORDER_RATE ?? 500);
/** Open streams in the live.subscriptions scenario. */
const LIVE_SUBSCRIBERS = Number(process.env.BENCH_LIVE_SUBSCRIBERS ?? 1_000);

function log(message: string) {
  process.stderr.write(`${message}\n`);
}

// ---- data -----------------------------------------------------------------------------------
const dir = join(tmpdir(), `backroom-bench-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const databasePath = join(dir, 'bench.db');
log(`generating ${PRODUCTS} products in ${databasePath} …`);
const database = openDatabase(databasePath);
await generateCatalogOn(createSqliteEngine(database), { products: PRODUCTS });
const now = Date.now();
const slug = database.sqlite
  .prepare("SELECT slug FROM product WHERE status = 'active' ORDER BY seq DESC LIMIT 1")
  .pluck()
  .get() as string;
const parentCategory = database.sqlite
  .prepare('SELECT slug FROM category WHERE parent_id IS NULL LIMIT 1')
  .pluck()
  .get() as string;
const cartVariants = database.sqlite
  .prepare(
    "SELECT v.id FROM variant v JOIN product p ON p.id = v.product_id WHERE p.status = 'active' AND v.stock >= 150 LIMIT 2000",
  )
  .pluck()
  .all() as string[];
const orderVariant = cartVariants[0] ?? '';
database.sqlite.prepare('UPDATE variant SET stock = 10000000 WHERE id = ?').run(orderVariant);
const shippingId = newId();
database.sqlite
  .prepare(
    `INSERT INTO shipping_option (id, name, countries, price, min_days, max_days, created_at) VALUES (?, 'Bench', '[]', 500, 1, 3, ?)`,
  )
  .run(shippingId, now);
const insertUser = database.sqlite.prepare(
  `INSERT INTO user (id, email, name, password_hash, role, email_verified, created_at, updated_at) VALUES (?, ?, ?, 'x', 'customer', 0, ?, ?)`,
);
const insertSession = database.sqlite.prepare(
  'INSERT INTO session (id, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)',
);
/** A signed-in session for the user, as a sign-in stores it (only the token's hash); its token. */
function createSession(userId: string): string {
  const token = generateToken();
  insertSession.run(hashToken(token), userId, now + SESSION_LIFETIME_MS, now);
  return token;
}
const tokens: string[] = [];
const userIds: string[] = [];
for (let i = 0; i < CUSTOMERS; i++) {
  const id = newId();
  insertUser.run(id, `bench${i}@example.com`, `Bench ${i}`, now, now);
  userIds.push(id);
  tokens.push(createSession(id));
}
// The cart.get customer has three lines in the cart.
const cartId = newId();
database.sqlite
  .prepare('INSERT INTO cart (id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)')
  .run(cartId, userIds[0], now, now);
const insertItem = database.sqlite.prepare(
  'INSERT INTO cart_item (cart_id, variant_id, quantity, added_at) VALUES (?, ?, 1, ?)',
);
for (const v of cartVariants.slice(1, 4)) insertItem.run(cartId, v, now);
const cartToken = tokens[0] ?? '';
// placeOrder customers: each has one line in the cart, and is used once. The best-seller scenario's
// all want the order variant; the spread scenario's each want one of the first SPREAD_VARIANTS.
const insertCart = database.sqlite.prepare(
  'INSERT INTO cart (id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)',
);
const spreadVariants = cartVariants.slice(4, 4 + SPREAD_VARIANTS);
database.sqlite
  .prepare(`UPDATE variant SET stock = 10000000 WHERE id IN (${spreadVariants.map(() => '?').join(', ')})`)
  .run(...spreadVariants);
/** ORDER_CUSTOMERS signed-in buyers, buyer i with one unit of `variantOf(i)` in the cart: their tokens. */
function createBuyers(label: string, variantOf: (i: number) => string): string[] {
  log(`creating ${ORDER_CUSTOMERS} ${label} customers with a one-line cart …`);
  const buyerTokens: string[] = [];
  database.sqlite.transaction(() => {
    for (let i = 0; i < ORDER_CUSTOMERS; i++) {
      const id = newId();
      insertUser.run(id, `${label}${i}@example.com`, `Buyer ${i}`, now, now);
      const orderCart = newId();
      insertCart.run(orderCart, id, now, now);
      insertItem.run(orderCart, variantOf(i), now);
      buyerTokens.push(createSession(id));
    }
  })();
  return buyerTokens;
}
const orderTokens = createBuyers('buyer', () => orderVariant);
const spreadTokens = createBuyers('spread', (i) => spreadVariants[i % spreadVariants.length] ?? '');

// ---- cart.addItem shoppers ------------------------------------------------------------------
// Each shopper is signed in with an empty cart and three variants of their own to add, taken in
// turn from the variants with stock to spare: a cart never holds more than three lines, and a line
// grows by one unit every third add of its shopper (never near the 99 limit or the stock).
log(`creating ${CART_SHOPPERS} cart shoppers …`);
const cartShoppers: { token: string; variants: string[] }[] = [];
database.sqlite.transaction(() => {
  for (let i = 0; i < CART_SHOPPERS; i++) {
    const id = newId();
    insertUser.run(id, `shopper${i}@example.com`, `Shopper ${i}`, now, now);
    const variants = [0, 1, 2].map((k) => cartVariants[(i * 3 + k) % cartVariants.length] ?? '');
    cartShoppers.push({ token: createSession(id), variants });
  }
})();
// ---- live.subscriptions: an admin changes the stock of one variant that 1,000 streams watch ----
const liveVariant = cartVariants.at(-1) ?? '';
const liveProduct = database.sqlite
  .prepare('SELECT product_id FROM variant WHERE id = ?')
  .pluck()
  .get(liveVariant) as string;
const adminId = newId();
database.sqlite
  .prepare(
    `INSERT INTO user (id, email, name, password_hash, role, email_verified, created_at, updated_at) VALUES (?, 'bench-admin@example.com', 'Bench admin', 'x', 'admin', 1, ?, ?)`,
  )
  .run(adminId, now, now);
const adminToken = createSession(adminId);
database.close();

// ---- PostgreSQL: the same shop, copied before the SQLite run changes it ----------------------
const postgres = POSTGRES_SERVER_URL ? await copyToFreshPostgres(databasePath) : null;

async function copyToFreshPostgres(from: string) {
  const name = `backroom_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`); // NOTE: the name is made here, digits only
  await admin.end();
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${name}`;
  log(`copying the shop into PostgreSQL database ${name} …`);
  await copySqliteToPostgres({ from, to: url.toString(), onProgress: () => {} });
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

// ---- processes ------------------------------------------------------------------------------
interface Running {
  child: ChildProcess;
  url: string;
  peakRssKb: () => number;
}

/** The process and, with WORKERS > 1, its worker processes. */
function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return [pid, ...(children ? children.split(' ').map(Number) : [])];
}

/** CPU time of the server's processes, in clock ticks (100 per second). */
function cpuTicks(pid: number): number {
  return processTree(pid).reduce((sum, id) => sum + statTicks(readFileSync(`/proc/${id}/stat`, 'utf8')), 0);
}

/** utime + stime from a /proc/<pid>/stat line. */
function statTicks(stat: string): number {
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/** cutime + cstime from a /proc/<pid>/stat line: the CPU of its children that ended. */
function endedChildrenTicks(stat: string): number {
  const fields = stat.split(') ')[1]?.split(' ') ?? [];
  return Number(fields[13]) + Number(fields[14]);
}

/**
 * CPU time of every PostgreSQL server process on this machine, in clock ticks (0 without one),
 * those that ended included: a backend's CPU passes to the postmaster that reaps it (without it, a
 * scenario whose connections closed read below zero).
 */
function postgresCpuTicks(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes(' (postgres) ')) ticks += statTicks(stat) + endedChildrenTicks(stat);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** The machine's busy and total CPU time (all cores), in clock ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

async function start(
  name: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<Running> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/trpc/catalog.products?input=${encodeURIComponent('{"limit":1}')}`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) {
      let peak = 0;
      return {
        child,
        url,
        // The largest peak of any one server process.
        peakRssKb: () => {
          for (const id of processTree(child.pid ?? 0)) {
            const status = readFileSync(`/proc/${id}/status`, 'utf8');
            peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
          }
          return peak;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start`);
}

// Backroom runs exactly as `npm start` runs it: the bundle that prestart builds, with the same node flags.
buildServer();

interface EngineRun {
  label: string;
  /** Whether the engine is the PostgreSQL server (its processes' CPU is reported beside ours). */
  postgres: boolean;
  backroomEnv: Record<string, string>;
  referenceScript: string;
  referenceEnv: Record<string, string>;
  /** `created_at` of these live events, by id, read from the engine's database (live.subscriptions). */
  eventTimes: (ids: number[]) => Promise<Map<number, number>>;
}

const ENGINES: EngineRun[] = [
  {
    label: `SQLite, WORKERS=${WORKERS}`,
    postgres: false,
    backroomEnv: { DATABASE_PATH: databasePath, WORKERS: String(WORKERS) },
    referenceScript: 'tests/bench/reference-server.ts',
    referenceEnv: { DATABASE_PATH: databasePath },
    eventTimes: async (ids) => {
      // Its own read-only handle: the bench's closed after the data was made.
      const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
      try {
        const rows = sqlite
          .prepare(`SELECT id, created_at FROM live_event WHERE id IN (${ids.map(() => '?').join(', ')})`)
          .all(...ids) as { id: number; created_at: number }[];
        return new Map(rows.map((row) => [row.id, row.created_at]));
      } finally {
        sqlite.close();
      }
    },
  },
  ...(postgres
    ? [
        {
          label: `PostgreSQL, ${PROCESSES} processes`,
          postgres: true,
          // The mail (.eml files, no SMTP server) goes to the bench's directory.
          backroomEnv: {
            DATABASE_URL: postgres.url,
            MAIL_DIR: join(dir, 'postgres', 'mail'),
            WORKERS: String(PROCESSES),
          },
          referenceScript: 'tests/bench/reference-pg-server.ts',
          referenceEnv: { DATABASE_URL: postgres.url },
          eventTimes: async (ids: number[]) => {
            const client = new pg.Client({ connectionString: postgres.url });
            await client.connect();
            try {
              const { rows } = await client.query<{ id: string; created_at: string }>(
                'SELECT id, created_at FROM live_event WHERE id = ANY($1::bigint[])',
                [ids],
              );
              return new Map(rows.map((row) => [Number(row.id), Number(row.created_at)]));
            } finally {
              await client.end();
            }
          },
        },
      ]
    : []),
];

async function startEngine(engine: EngineRun) {
  const backroom = await start(
    'backroom',
    CPU_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`, ...startArguments()]
      : startArguments(),
    {
      ...engine.backroomEnv,
      SEED_DEMO: 'false',
      NODE_ENV: 'production',
      SUBSCRIPTIONS_PER_SESSION: String(LIVE_SUBSCRIBERS), // the bench's streams share one address
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    },
    3900,
  );
  const reference = await start(
    'reference',
    ['--import', 'tsx', engine.referenceScript],
    engine.referenceEnv,
    3901,
  );
  return { backroom, reference };
}

/** Stops a server and waits for it to exit (the next engine reuses the ports). */
function stop(server: Running): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

const running = new Set<Running>();
// Whatever ends the bench (the end, an error, Ctrl-C), the servers end with it.
process.on('exit', () => {
  for (const server of running) server.child.kill('SIGTERM');
});
process.on('SIGINT', () => process.exit(130));

// ---- scenarios ------------------------------------------------------------------------------
const q = (input: unknown) => `?input=${encodeURIComponent(JSON.stringify(input))}`;
let addCounter = 0;
/** The next unused buyer of each placeOrder scenario. */
const nextBuyer = new Map<string[], number>();
const cookie = (token: string) => `__Host-session=${token}`;

/**
 * The worst searches the API accepts on this catalogue (measured: one-letter prefixes and the
 * commonest description words, every sort, limit 100, filters), and an anonymous GET batching
 * 20 of them (the server's maxBatchSize).
 */
const WORST_SEARCHES = [
  { q: 'a', sort: 'rating', limit: 100 },
  { q: 'and to a', sort: 'relevance', limit: 100 },
  {
    q: 'built to last and easy to repair a favourite of our customers for everyday use tested in the fi',
    sort: 'relevance',
    limit: 100,
  },
  { q: 's', sort: 'price_asc', limit: 100, category: parentCategory, inStock: true, minPrice: 100 },
];
const worstBatchPath = (() => {
  const calls = Array.from({ length: 20 }, (_, i) => WORST_SEARCHES[i % WORST_SEARCHES.length]);
  const input = Object.fromEntries(calls.map((call, i) => [String(i), call]));
  return `/trpc/${calls.map(() => 'catalog.products').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
})();
const ATTACK_CONNECTIONS = 10;

interface Scenario {
  name: string;
  reference: boolean;
  /** CONNECTIONS unless set: one connection measures the latency of a request alone. */
  connections?: number;
  /**
   * Requests sent at a fixed rate, evenly spaced, warm-up included (tests/bench/fixed-rate.ts;
   * unset: autocannon, as fast as answers come back). At a fixed rate the latency is the server's
   * at that load, not the queue that 50 connections in a closed loop build at saturation.
   */
  fixedRate?: { rate: number; next: () => TimedRequest };
  options: (url: string) => autocannon.Options;
}

/** placeOrder by the next unused buyer of `buyers` (a second order would find an empty cart). */
function nextOrder(buyers: string[]): TimedRequest {
  const n = nextBuyer.get(buyers) ?? 0;
  nextBuyer.set(buyers, n + 1);
  const token = buyers[n];
  if (token === undefined)
    throw new Error(`more than ${ORDER_CUSTOMERS} orders: raise BENCH_ORDER_CUSTOMERS`);
  return {
    method: 'POST',
    path: '/trpc/checkout.placeOrder',
    headers: { 'content-type': 'application/json', cookie: cookie(token) },
    body: JSON.stringify({
      idempotencyKey: `bench-${n}-${Date.now()}`,
      shippingAddress: { name: 'Bench', line1: '1 St', city: 'City', postalCode: '1', country: 'US' },
      shippingOptionId: shippingId,
    }),
  };
}

/** placeOrder by each next buyer of `buyers`: as fast as answered, or at a fixed `rate` a second. */
function placeOrderScenario(name: string, buyers: string[], rate?: number): Scenario {
  return {
    name,
    reference: false,
    fixedRate: rate === undefined ? undefined : { rate, next: () => nextOrder(buyers) },
    options: (url) => ({
      url: `${url}/trpc/checkout.placeOrder`,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const { headers, body } = nextOrder(buyers);
            return { ...req, headers, body };
          },
        },
      ],
    }),
  };
}

const scenarios: Scenario[] = [
  {
    name: 'catalog.products (20 cards)',
    reference: true,
    options: (url) => ({ url: `${url}/trpc/catalog.products${q({ limit: 20 })}` }),
  },
  {
    name: 'search, two words',
    reference: true,
    options: (url) => ({ url: `${url}/trpc/catalog.products${q({ q: 'canvas back', limit: 20 })}` }),
  },
  {
    name: 'search, two words, one connection',
    reference: true,
    connections: 1,
    options: (url) => ({ url: `${url}/trpc/catalog.products${q({ q: 'canvas back', limit: 20 })}` }),
  },
  {
    name: 'search, worst: one letter, sort=rating, limit 100, one connection',
    reference: false,
    connections: 1,
    options: (url) => ({ url: `${url}/trpc/catalog.products${q(WORST_SEARCHES[0])}` }),
  },
  {
    name: 'search, worst: 18 common words and a prefix, relevance, limit 100, one connection',
    reference: false,
    connections: 1,
    options: (url) => ({ url: `${url}/trpc/catalog.products${q(WORST_SEARCHES[2])}` }),
  },
  {
    name: 'catalog.product by slug',
    reference: true,
    options: (url) => ({ url: `${url}/trpc/catalog.product${q({ slug })}` }),
  },
  {
    name: 'cart.get (signed in)',
    reference: false,
    options: (url) => ({ url: `${url}/trpc/cart.get`, headers: { cookie: cookie(cartToken) } }),
  },
  // cart.addItem: request n goes to shopper n mod CART_SHOPPERS, and adds one unit of the shopper's
  // next variant (round n / CART_SHOPPERS, mod 3). So the shoppers take turns like many people
  // shopping at once, each cart stays small (three lines), and every request succeeds: it measures
  // one add to a small cart (session, variant and line read, the line and cart written, a share of a
  // group commit, the whole cart answered), not a cart grown without bound.
  {
    name: 'cart.addItem',
    reference: false,
    options: (url) => ({
      url: `${url}/trpc/cart.addItem`,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const n = addCounter++;
            const shopper = cartShoppers[n % cartShoppers.length];
            const round = Math.floor(n / cartShoppers.length);
            return {
              ...req,
              headers: { 'content-type': 'application/json', cookie: cookie(shopper?.token ?? '') },
              body: JSON.stringify({ variantId: shopper?.variants[round % 3], quantity: 1 }),
            };
          },
        },
      ],
    }),
  },
  placeOrderScenario('checkout.placeOrder', orderTokens),
  placeOrderScenario(`checkout.placeOrder, spread over ${spreadVariants.length} variants`, spreadTokens),
  placeOrderScenario(
    `checkout.placeOrder, spread over ${spreadVariants.length} variants, ${ORDER_RATE} orders/s offered`,
    spreadTokens,
    ORDER_RATE,
  ),
];

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
  /** CPU of the PostgreSQL server's processes per request (0 on SQLite: it runs in the server). */
  databaseCpuUsPerReq: number;
  /** How busy the whole machine was (all cores, client included), in percent. */
  machineBusy: number;
  non2xx: number;
  /** 2xx answers per second. */
  okPerSecond: number;
}

async function measure(target: Running, scenario: Scenario): Promise<Measure> {
  const connections = scenario.connections ?? CONNECTIONS;
  const { fixedRate: rated } = scenario;
  const run = async (duration: number) => {
    if (rated) {
      const r = await fixedRate({
        url: target.url,
        rate: rated.rate,
        seconds: duration,
        connections,
        next: rated.next,
      });
      const answered = { p50: r.p50, p99: r.p99, total: r.ok + r.failed, non2xx: r.failed };
      return { ...answered, rps: r.answeredPerSecond, okPerSecond: r.answeredPerSecond };
    }
    const result = await autocannon({ ...scenario.options(target.url), connections, duration });
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx + result.errors + result.timeouts,
      okPerSecond: result['2xx'] / (result.duration || duration),
    };
  };
  await run(3); // warm-up
  const before = cpuTicks(target.child.pid ?? 0);
  const databaseBefore = postgresCpuTicks();
  const machineBefore = machineTicks();
  const result = await run(DURATION);
  const ticks = cpuTicks(target.child.pid ?? 0) - before;
  const databaseTicks = postgresCpuTicks() - databaseBefore;
  const machineAfter = machineTicks();
  target.peakRssKb();
  const total = result.total || 1;
  return {
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    cpuUsPerReq: Math.round((ticks * 10_000) / total),
    databaseCpuUsPerReq: Math.round((databaseTicks * 10_000) / total),
    machineBusy: Math.round(
      (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total || 1),
    ),
    non2xx: result.non2xx,
    okPerSecond: result.okPerSecond,
  };
}

// ---- search under attack --------------------------------------------------------------------

/** Seconds a measured victim request may wait before it counts as an error. */
const VICTIM_TIMEOUT = 10;

interface Latency {
  /** Milliseconds, or a note when nothing was answered. */
  p50: number | string;
  p99: number | string;
  rps: number;
  non2xx: number;
}

/** Measures `path` with a few connections while an attacker sends worst batches and searches. */
async function underAttack(target: Running, path: string): Promise<{ victim: Latency; attacker: Latency }> {
  let alternate = 0;
  const attack = autocannon({
    url: target.url,
    connections: ATTACK_CONNECTIONS,
    duration: DURATION + 2,
    timeout: 60,
    requests: [
      {
        setupRequest: (req) => {
          // Every other request a batch of 20, else one worst search.
          alternate += 1;
          const single = WORST_SEARCHES[alternate % WORST_SEARCHES.length];
          return {
            ...req,
            path: alternate % 2 === 0 ? worstBatchPath : `/trpc/catalog.products${q(single)}`,
          };
        },
      },
    ],
  });
  await new Promise((r) => setTimeout(r, 1000)); // let the attack build up
  const victim = await autocannon({
    url: `${target.url}${path}`,
    connections: 5,
    duration: DURATION,
    timeout: VICTIM_TIMEOUT,
  });
  const attacked = await attack;
  const pick = (r: autocannon.Result): Latency => ({
    p50: r['2xx'] > 0 ? r.latency.p50 : `none in ${VICTIM_TIMEOUT} s`,
    p99: r['2xx'] > 0 ? r.latency.p99 : `none in ${VICTIM_TIMEOUT} s`,
    rps: r.requests.average,
    non2xx: r.non2xx + r.errors + r.timeouts,
  });
  return { victim: pick(victim), attacker: pick(attacked) };
}

const synchronousCommit = await postgresSetting('synchronous_commit');
const rows: string[] = [];
const attackRows: string[] = [];
const peaks: string[] = [];
const liveRows: string[] = [];
for (const engine of ENGINES) {
  log(`■ ${engine.label}`);
  addCounter = 0;
  nextBuyer.clear();
  const { backroom, reference } = await startEngine(engine);
  running.add(backroom);
  running.add(reference);
  if ('search under attack'.includes(ONLY)) {
    for (const [name, path] of [
      ['/healthz', '/healthz'],
      ['catalog.product', `/trpc/catalog.product${q({ slug })}`],
    ] as const) {
      log(`▶ search under attack: ${name}`);
      const { victim, attacker } = await underAttack(backroom, path);
      const row = `| ${engine.label} | ${name} | ${victim.p50} | ${victim.p99} | ${Math.round(victim.rps)} | ${victim.non2xx} | ${Math.round(attacker.rps)} | ${attacker.p50} / ${attacker.p99} | ${attacker.non2xx} |`;
      log(`  ${row}`);
      attackRows.push(row);
    }
  }
  for (const scenario of scenarios.filter((s) => s.name.includes(ONLY))) {
    log(`▶ ${scenario.name}`);
    const ours = await measure(backroom, scenario);
    const ref = scenario.reference ? await measure(reference, scenario) : null;
    if (ours.non2xx > 0) log(`  ! ${ours.non2xx} non-2xx answers or errors in ${scenario.name}`);
    const ratio = ref ? `${Math.round((ours.rps / ref.rps) * 100)}%` : '–';
    const perSecond = scenario.name.startsWith('checkout.placeOrder')
      ? ` (${Math.round(ours.okPerSecond)} orders/s)`
      : '';
    rows.push(
      `| ${engine.label} | ${scenario.name} | ${Math.round(ours.rps)}${perSecond} | ${ours.p50} | ${ours.p99} | ${ours.cpuUsPerReq} | ${engine.postgres ? ours.databaseCpuUsPerReq : '–'} | ${ours.machineBusy}% | ${ours.non2xx} | ${
        ref ? `${Math.round(ref.rps)} / ${ref.p50} / ${ref.p99} / ${ref.cpuUsPerReq}` : '–'
      } | ${ratio} |`,
    );
  }
  if ('live.subscriptions'.includes(ONLY)) {
    log(`▶ live.subscriptions (${LIVE_SUBSCRIBERS} streams)`);
    const live = await measureLive(
      {
        url: backroom.url,
        pids: () => processTree(backroom.child.pid ?? 0),
        cpuTicks: () => cpuTicks(backroom.child.pid ?? 0),
        adminCookie: cookie(adminToken),
        productId: liveProduct,
        variantId: liveVariant,
        eventTimes: engine.eventTimes,
      },
      LIVE_SUBSCRIBERS,
      DURATION,
    );
    const row = `| ${engine.label} | ${live.subscribers} | ${live.events} | ${live.deliveriesPerSecond} | ${live.changedP50} / ${live.changedP99} | ${live.sentP50} / ${live.sentP99} | ${live.kbPer100Idle.all} / ${live.kbPer100Idle.secondHalf} | ${live.missing} | ${live.changeP50} / ${live.changeP99} | ${live.cpuUsPerDelivery} |`;
    log(`  ${row}`);
    liveRows.push(row);
  }
  peaks.push(
    `${engine.label}: Backroom ${Math.round(backroom.peakRssKb() / 1024)} MB, reference ${Math.round(reference.peakRssKb() / 1024)} MB`,
  );
  await Promise.all([stop(backroom), stop(reference)]);
  running.delete(backroom);
  running.delete(reference);
}
await postgres?.drop();

const table = [
  `Backroom on ${PRODUCTS.toLocaleString('en')} products, ${CONNECTIONS} connections unless the scenario says one, ${DURATION} s per scenario after a 3 s warm-up, client and server on one ${process.arch} machine (${(await import('node:os')).cpus().length} cores), Node ${process.version}; SQLite synchronous=FULL, PostgreSQL synchronous_commit=${synchronousCommit}; the references are one process (better-sqlite3, pg).`,
  '',
  '| engine | scenario | req/s | p50 ms | p99 ms | server CPU µs/req (all processes) | PostgreSQL CPU µs/req | machine busy | non-2xx | reference req/s / p50 / p99 / CPU µs | ratio |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  ...(attackRows.length > 0
    ? [
        `Search under attack: ${ATTACK_CONNECTIONS} attacker connections alternating a GET batch of 20 worst searches and one worst search, while 5 connections measure the victim.`,
        '',
        '| engine | victim | p50 ms | p99 ms | req/s | non-2xx | attacker req/s | attacker p50 / p99 ms | attacker non-2xx |',
        '|---|---|---|---|---|---|---|---|---|',
        ...attackRows,
        '',
      ]
    : []),
  ...(liveRows.length > 0
    ? [
        `Live updates: catalog.watchStock streams (SSE) on one product; an admin changes its stock ${process.env.BENCH_LIVE_EVENTS_PER_SECOND ?? 5} times a second. Two latencies to each delivery, both upper bounds on commit → delivery: "server's change" starts when the server took the change in hand (the event's created_at, read before its transaction commits; client and server share the machine's clock), "sent" starts when the client sent the change request, so it also counts the request's trip and wait (the change request's own time, sent → answered, has a column). Memory is the server's RSS growth (all its processes) per 100 idle streams, over all the streams / over the second half of them (the first half also grows each process's young generation once).`,
        '',
        "| engine | streams | events | deliveries/s | server's change → delivery p50 / p99 ms | sent → delivery p50 / p99 ms | KB per 100 idle streams, all / second half | missing | change request p50 / p99 ms | server CPU µs/delivery |",
        '|---|---|---|---|---|---|---|---|---|---|',
        ...liveRows,
        '',
      ]
    : []),
  `Peak RSS (largest process): ${peaks.join('; ')}.`,
].join('\n');

console.log(table);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const resultFile = postgres
  ? 'latest-engines.md'
  : WORKERS === 1
    ? 'latest.md'
    : `latest-workers-${WORKERS}.md`;
writeFileSync(join(ROOT, 'bench-results', resultFile), `${table}\n`);
// The generated shop (about 1 GB at 100k products, with its mail) is not kept.
rmSync(dir, { recursive: true, force: true });
process.exit(0);

/** A PostgreSQL setting of the bench's server ('–' without PostgreSQL). */
async function postgresSetting(name: string): Promise<string> {
  if (!postgres) return '–';
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ setting: string }>(
      'SELECT setting FROM pg_settings WHERE name = $1',
      [name],
    );
    return rows[0]?.setting ?? '?';
  } finally {
    await client.end();
  }
}
