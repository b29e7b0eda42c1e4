import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openDatabase } from '../db/client.js';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { createMailer } from './integrations/mail/mailer.js';
import { createPaymentProvider } from './integrations/payments/index.js';
import { startJobs } from './jobs/index.js';
import { createLogger } from './logger.js';

/** Start-up failures end the process with a one-line reason and exit code 1, never a stack. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? message : `Backroom could not start: ${message}`);
  process.exit(1);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    fail(error);
  }
})();
const logger = createLogger(config);

const database = (() => {
  try {
    return openDatabase(config.DATABASE_PATH);
  } catch (error) {
    fail(error);
  }
})();
const deps = (() => {
  try {
    return {
      db: database.db,
      sqlite: database.sqlite,
      config,
      logger,
      clock: systemClock,
      payments: createPaymentProvider(config),
      mailer: createMailer(config),
    };
  } catch (error) {
    database.close();
    fail(error);
  }
})();
await bootstrap(deps).catch((error) => {
  database.close();
  fail(error);
});

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info: AddressInfo) => {
  logger.info({ port: info.port, host: info.address, database: config.DATABASE_PATH }, 'listening');
});
server.on('error', (error) => {
  database.close();
  fail(error);
});
const jobs = startJobs(deps);

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  // Stop accepting; connections close as their last response is sent.
  server.close(async () => {
    await jobs.stop();
    deps.mailer.close();
    database.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  });
  const idle = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 100);
  idle.unref();
  setTimeout(() => {
    logger.error('in-flight requests did not finish within 10 s; exiting');
    process.exit(1);
  }, 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
