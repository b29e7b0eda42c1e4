import { z } from 'zod';
import { isPostgresUrl, redactUrl } from '../db/postgres/url.js';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const origin = z
  .url({ protocol: /^https?$/, error: 'expected an origin such as https://shop.example' })
  .transform((value, ctx) => {
    const url = new URL(value);
    if (url.pathname !== '/' || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: `expected an origin without a path, got ${value}` });
      return z.NEVER;
    }
    return url.origin;
  });

// NOTE: the messages never repeat the URL: it may carry a password.
const databaseUrl = z.string().superRefine((value, ctx) => {
  if (!isPostgresUrl(value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a postgres:// or postgresql:// URL (unset for SQLite)',
    });
    return;
  }
  try {
    const url = new URL(value);
    if (!url.hostname && !url.searchParams.get('host')) throw new TypeError('no host');
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected postgres://user:password@host:5432/database' });
  }
});

/** Settings whose values may hold a password: shown redacted in error messages. */
const SECRET_URLS = new Set(['DATABASE_URL', 'SMTP_URL']);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PATH: z.string().min(1).default('./data/backroom.db'),
    /** Unset: SQLite at DATABASE_PATH. postgres:// or postgresql://: the PostgreSQL engine. */
    DATABASE_URL: optionalText.pipe(databaseUrl.optional()),
    /** Connections each process keeps to PostgreSQL (ignored on SQLite). */
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(1, 'expected at least 1')
      .max(1000, 'expected at most 1000')
      .default(10),
    PUBLIC_URL: optionalText.pipe(origin.optional()),
    TRUSTED_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(origin)),
    STORE_NAME: z.string().min(1).max(100).default('Backroom Demo Store'),
    STORE_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD')
      .default('USD'),
    SEED_DEMO: flag(true),
    ADMIN_EMAIL: optionalText.pipe(z.email({ error: 'expected an email address' }).optional()),
    ADMIN_PASSWORD: optionalText.pipe(
      z
        .string()
        .min(8, 'expected at least 8 characters')
        .max(128, 'expected at most 128 characters')
        .optional(),
    ),
    PAYMENT_PROVIDER: z.enum(['manual', 'stripe']).default('manual'),
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    STRIPE_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.stripe.com'),
    SMTP_URL: optionalText.pipe(
      z.url({ protocol: /^smtps?$/, error: 'expected smtp:// or smtps:// URL' }).optional(),
    ),
    MAIL_FROM: z.string().min(3).default('Backroom <shop@localhost>'),
    /** Without SMTP_URL, the folder mail is written to as .eml files (default: mail/ beside DATABASE_PATH). */
    MAIL_DIR: optionalText,
    /** Where links in mail point (reset, verification): the shop's front-end. */
    STOREFRONT_URL: optionalText.pipe(origin.optional()),
    /** First retry delay of the outbox; each further attempt doubles it (capped at an hour). */
    OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
    ORDER_PAYMENT_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(10080).default(30),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'expected at least 16 characters').optional()),
    TRUST_PROXY: flag(false),
    /** Sign-ups one client address may attempt per hour (an IPv6 client counts per /64). */
    SIGN_UP_LIMIT_PER_HOUR: z.coerce
      .number({ error: 'expected a whole number' })
      .int()
      .min(1)
      .max(1_000_000)
      .default(20),
    /** Lets webhooks reach loopback, link-local and private addresses: local development only. */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: flag(false),
    /** /readyz answers 503 while the database's filesystem has less free space than this. */
    STORAGE_MIN_FREE_BYTES: z.coerce
      .number({ error: 'expected a number of bytes' })
      .int()
      .min(0)
      .default(16 * 1024 * 1024),
    /** How long /readyz reuses its last free-space check and probe write. */
    READINESS_CACHE_MS: z.coerce
      .number({ error: 'expected milliseconds' })
      .int()
      .min(0)
      .max(60_000)
      .default(1000),
    /** A client must send all request headers within this, else 408 and the connection closes. */
    HEADERS_TIMEOUT_MS: z.coerce
      .number({ error: 'expected milliseconds' })
      .int()
      .min(1000)
      .max(120_000)
      .default(10_000),
    /** A client must send the whole request within this, else 408 and the connection closes. */
    REQUEST_TIMEOUT_MS: z.coerce
      .number({ error: 'expected milliseconds' })
      .int()
      .min(1000)
      .max(600_000)
      .default(30_000),
    /** A live-update stream (SSE) is closed after this long; the client link reconnects by itself. */
    SUBSCRIPTION_MAX_SECONDS: z.coerce
      .number({ error: 'expected seconds' })
      .int()
      .min(5)
      .max(86_400)
      .default(300),
    /** Open subscriptions per session (per client address when signed out) in each process. */
    SUBSCRIPTIONS_PER_SESSION: z.coerce
      .number({ error: 'expected a whole number' })
      .int()
      .min(1)
      .max(1000)
      .default(20),
    /** SQLite: how often a process with subscribers looks for live events of other processes in the file (its own commits wake it). */
    LIVE_POLL_MS: z.coerce.number({ error: 'expected milliseconds' }).int().min(5).max(5000).default(20),
    /** Server processes sharing the port and the database file; jobs run in the first one only. */
    WORKERS: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(64).default(1),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
    if (env.PAYMENT_PROVIDER === 'stripe') {
      for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
        if (!env[key])
          ctx.addIssue({ code: 'custom', path: [key], message: 'required when PAYMENT_PROVIDER=stripe' });
      }
    }
  });

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the environment into a typed Config; throws ConfigError naming every bad variable, one line
 * each ("Invalid configuration: NAME: why (got value)"), a URL's password never shown.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const raw = env[name] ?? null;
    const shown = raw !== null && SECRET_URLS.has(name) ? redactUrl(raw) : raw;
    return `Invalid configuration: ${name}: ${issue.message} (got ${JSON.stringify(shown)})`;
  });
  throw new ConfigError(lines.join('\n'));
}

/** The engine the configuration selects: PostgreSQL when DATABASE_URL is set, else SQLite. */
export function databaseEngine(config: Config): 'sqlite' | 'postgres' {
  return config.DATABASE_URL ? 'postgres' : 'sqlite';
}

/** Where links in mail point: STOREFRONT_URL, else the first trusted origin, PUBLIC_URL, or this server. */
export function storefrontUrl(config: Config): string {
  return (
    config.STOREFRONT_URL ??
    config.TRUSTED_ORIGINS[0] ??
    config.PUBLIC_URL ??
    `http://localhost:${config.PORT}`
  );
}

/** The config tests and tools start from: defaults with an in-memory database. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: ':memory:',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ...overrides,
  });
}
