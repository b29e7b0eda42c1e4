import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { openDatabase } from '../db/client.js';
import { createApp } from './app.js';
import { bootstrap } from './bootstrap.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { createPaymentProvider } from './integrations/payments/index.js';
import { startJobs } from './jobs/index.js';
import { createLogger } from './logger.js';

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
const logger = createLogger(config);
const database = openDatabase(config.DATABASE_PATH);
const deps = {
  db: database.db,
  sqlite: database.sqlite,
  config,
  logger,
  clock: systemClock,
  payments: createPaymentProvider(config),
};
await bootstrap(deps);

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info: AddressInfo) => {
  logger.info({ port: info.port, host: info.address, database: config.DATABASE_PATH }, 'listening');
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
