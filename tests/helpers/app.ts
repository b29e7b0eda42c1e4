import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { openDatabase } from '../../db/sqlite/client.js';
import { type AppOptions, createApp } from '../../server/app.js';
import { manualClock } from '../../server/clock.js';
import { testConfig } from '../../server/config.js';
import { createDeps, type Deps } from '../../server/deps.js';
import { createHttpServer } from '../../server/http/server.js';

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
  close(): void;
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
 * A whole app on a fresh in-memory database with a manual clock and a captured log, served by the
 * same listener and node:http server `npm start` runs, on a loopback port of its own.
 */
export function createTestApp(env: Record<string, string> = {}, options: AppOptions = {}): TestApp {
  const config = testConfig(env);
  const database = openDatabase(config.DATABASE_PATH);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const deps = createDeps(config, database, pino({ level: 'info' }, sink), clock, TEST_PASSWORD_COST);
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
    close: () => {
      server.close();
      server.closeAllConnections();
      deps.mailer.close();
      database.close();
    },
  };
}
