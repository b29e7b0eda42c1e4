import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { redactUrl } from '../db/postgres/url.js';
import { createApp } from './app.js';
import { createPasswords } from './auth/passwords.js';
import { bootstrap } from './bootstrap.js';
import { systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openConfiguredDatabase } from './database.js';
import { createDeps } from './deps.js';
import { createHttpServer } from './http/server.js';
import { startJobs } from './jobs/index.js';
import { createLogger } from './logger.js';

/** Start-up failures end the process with a one-line reason and exit code 1, never a stack. */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? message : `Backroom could not start: ${message}`);
  process.exit(1);
}

function attempt<T>(work: () => T, cleanup?: () => void): T {
  try {
    return work();
  } catch (error) {
    cleanup?.();
    fail(error);
  }
}

const config = attempt(() => loadConfig());
const logger = createLogger(config);
const WORKER_INDEX = 'BACKROOM_WORKER_INDEX';

if (config.WORKERS > 1 && cluster.isPrimary) await runPrimary(config);
else await runServer(config, cluster.isWorker ? Number(process.env[WORKER_INDEX]) : 0);

/** Opens the configured engine (pg is loaded only for PostgreSQL); a failure ends start-up in one line. */
function openEngine(config: Config, migrate: boolean, processLogger: typeof logger) {
  return openConfiguredDatabase(config, {
    migrate,
    onIdleError: (message) => processLogger.error({ message }, 'PostgreSQL idle connection error'),
    onRetry: (state, attempt) => processLogger.warn({ sqlState: state, attempt }, 'transaction retried'),
  }).catch(fail);
}

/**
 * WORKERS > 1: migrate and bootstrap once, then fork the workers that share the port and the
 * database; a worker that dies is replaced; SIGTERM/SIGINT are passed on and the primary exits 0
 * once every worker has finished.
 */
async function runPrimary(config: Config) {
  const database = await openEngine(config, true, logger);
  const { engine } = database;
  await bootstrap({ engine, config, logger, clock: systemClock, passwords: createPasswords() }).catch(
    async (error) => {
      await database.close();
      fail(error);
    },
  );
  await database.close();
  let stopping = false;
  let failed = false;
  const slots = new Map<number, number>(); // worker id → index
  const listening = new Set<number>();
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX]: String(index) });
    slots.set(worker.id, index);
  };
  for (let i = 0; i < config.WORKERS; i++) fork(i);
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    const index = slots.get(worker.id) ?? 0;
    slots.delete(worker.id);
    if (!stopping && !listening.has(worker.id)) {
      // A worker that cannot even start (port taken, bad file) would fail again: give up.
      stopping = true;
      failed = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
    }
    if (stopping) {
      if (slots.size === 0) {
        logger.info('all workers stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    logger.error({ worker: index, code, signal }, 'worker exited; starting a new one');
    fork(index);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** One server process: database → app → listen → jobs (first worker only) → graceful shutdown. */
async function runServer(config: Config, workerIndex: number) {
  const processLogger = cluster.isWorker ? logger.child({ worker: workerIndex }) : logger;
  const database = await openEngine(config, !cluster.isWorker, processLogger);
  const deps = attempt(
    () => createDeps(config, database, processLogger, systemClock),
    () => void database.close(),
  );
  if (!cluster.isWorker) {
    await bootstrap(deps).catch(async (error) => {
      await database.close();
      fail(error);
    });
  }

  const app = createApp(deps);
  const server = createHttpServer(app.listener, config);
  server.listen(config.PORT, config.HOST, () => {
    const info = server.address() as AddressInfo;
    const database = config.DATABASE_URL
      ? `postgres ${redactUrl(config.DATABASE_URL)}`
      : config.DATABASE_PATH;
    deps.logger.info({ port: info.port, host: info.address, database }, 'listening');
  });
  server.on('error', async (error) => {
    await database.close();
    fail(error);
  });
  // NOTE: on SQLite the jobs run in the first process only (they share one file's write lock); on
  // PostgreSQL in every process, which claim work row by row (SKIP LOCKED) and take turns (advisory
  // locks), so nothing is done twice and a process that dies leaves nothing undone.
  const runsJobs = database.kind === 'postgres' || workerIndex === 0;
  const jobs = runsJobs ? startJobs(deps) : { stop: async () => {} };

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Stop accepting; connections close as their last response is sent. Live streams end now
    // (their clients reconnect elsewhere with their lastEventId).
    server.close(async () => {
      let code = 0;
      try {
        await jobs.stop();
        await deps.live.close();
        deps.mailer.close();
        await database.close();
        deps.logger.info('stopped');
      } catch (error) {
        code = 1;
        deps.logger.error({ err: error }, 'shutdown failed');
      } finally {
        deps.logger.flush();
        process.exit(code);
      }
    });
    app.streams.closeAll();
    const idle = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 100);
    idle.unref();
    setTimeout(() => {
      deps.logger.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
