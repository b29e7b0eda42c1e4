import { Writable } from 'node:stream';
import pino from 'pino';
import { openDatabase } from '../../db/client.js';
import { createApp } from '../../server/app.js';
import { manualClock } from '../../server/clock.js';
import { testConfig } from '../../server/config.js';
import type { Deps } from '../../server/deps.js';
import { createMailer } from '../../server/integrations/mail/mailer.js';
import { createPaymentProvider } from '../../server/integrations/payments/index.js';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  clock: ReturnType<typeof manualClock>;
  /** Every JSON log line the app wrote. */
  logs: Record<string, unknown>[];
  close(): void;
}

/** A whole app on a fresh in-memory database with a manual clock and a captured log. */
export function createTestApp(env: Record<string, string> = {}): TestApp {
  const config = testConfig(env);
  const database = openDatabase(config.DATABASE_PATH);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const deps: Deps = {
    db: database.db,
    sqlite: database.sqlite,
    config,
    logger,
    clock,
    payments: createPaymentProvider(config),
    mailer: createMailer(config),
  };
  return {
    app: createApp(deps),
    deps,
    clock,
    logs,
    close: () => {
      deps.mailer.close();
      database.close();
    },
  };
}
