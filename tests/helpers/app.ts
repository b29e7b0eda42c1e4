import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { inject } from 'vitest';
import { type AppOptions, createApp } from '../../server/app.js';
import { manualClock } from '../../server/clock.js';
import { testConfig } from '../../server/config.js';
import { openConfiguredDatabase } from '../../server/database.js';
import { createDeps, type Deps } from '../../server/deps.js';
import { createHttpServer } from '../../server/http/server.js';
import { createTestDatabase } from './postgres.js';

/**
 * NOTE: tests hash with argon2id at a tiny cost (64 KiB, one pass) so that hundreds of sign-ups stay
 * quick; production's cost is proven in tests/unit/passwords.test.ts and used by every server process.
 */
export const TEST_PASSWORD_COST = { memoryCost: 64, timeCost: 1, parallelism: 1 };

export interface TestApp {
  deps: Deps;
  clock: ReturnType<typeof manualClock>;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
  /** `http://127.0.0.1:<port>` once the server listens. */
  url(): Promise<string>;
  /** How many requests the tRPC fast path answered. */
  fastPathAnswers(): number;
  close(): Promise<void>;
}

/** A pino logger at info whose every JSON line lands, parsed, in `logs`. */
export function capturedLogger() {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), logs };
}

/**
 * A whole app on a fresh database of its own (SQLite in memory; with TEST_ENGINE=postgres a
 * PostgreSQL database copied from the run's migrated template, dropped on close), with a manual
 * clock and a captured log, served by the same listener and node:http server `npm start` runs, on a
 * loopback port of its own. Settings that name a DATABASE_PATH file keep SQLite on both runs.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  // A database the test names (a file, or a PostgreSQL URL) is used as it is; else the run's engine.
  const postgres = env.DATABASE_PATH || env.DATABASE_URL ? null : await testPostgresDatabase();
  const config = testConfig(postgres ? { ...env, DATABASE_URL: postgres.url } : env);
  const { logger, logs } = capturedLogger();
  const database = await openConfiguredDatabase(config, {
    migrate: true,
    onIdleError: (message) => logger.warn({ message }, 'PostgreSQL idle connection error'),
  });
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const deps = createDeps(config, database, logger, clock, TEST_PASSWORD_COST);
  const { listener } = createApp(deps, options);
  const server = createHttpServer(listener, config);
  const listening = new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.once('close', () => reject(new Error('the test app was closed before it listened')));
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
  listening.catch(() => {}); // handled by whoever awaits url()
  return {
    deps,
    clock,
    logs,
    url: () => listening,
    fastPathAnswers: () => listener.fastPathAnswers(),
    close: async () => {
      server.close();
      server.closeAllConnections();
      await deps.live.close();
      deps.mailer.close();
      await database.close();
      await postgres?.drop();
    },
  };
}

/** TEST_ENGINE=postgres: a database of this app's own, copied from the run's migrated template. */
async function testPostgresDatabase() {
  const template = inject('postgresTemplate');
  return template ? createTestDatabase(template) : null;
}
