import { storageGuardOf } from '../../db/sqlite/storage-guard.js';
import type { Deps } from '../deps.js';
import { logBackgroundFailure } from '../errors.js';
import { deliverDueMessages } from '../services/integrations/outbox.js';
import { runExclusive } from '../services/integrations/singleton-job.js';
import { expireUnpaid } from '../services/orders/order-lifecycle.js';
import { pruneLiveEvents } from './live-events-prune.js';
import { cleanUpExpired } from './session-cleanup.js';

export interface Jobs {
  stop(): Promise<void>;
}

const MINUTE = 60_000;
const OUTBOX_POLL_MS = 500;
/**
 * Messages one outbox run may handle (those due when it started): 500 every half second is up to
 * 1,000 a second per process. At 50 a run, a shop taking 500 orders a second on two processes fell
 * behind on its confirmation mails for as long as the load lasted (200 a second went out).
 */
const OUTBOX_RUN_LIMIT = 500;

/**
 * Starts the in-process jobs. They may run in every process on one database: the outbox dispatcher
 * claims each message before sending it, and the cleanup and expiry jobs are singletons
 * (runExclusive: one process at a time, the others skip the turn). A job never overlaps itself in
 * a process; one that fails is logged and tried again on its next tick. `stop` waits for a running
 * job to finish. No job runs while the database file at DATABASE_PATH is not the one opened
 * (db/storage-guard.ts, which logs that once): its writes would be refused, after mail had gone
 * out for them.
 */
export function startJobs(deps: Deps): Jobs {
  const running = new Set<Promise<unknown>>();
  const { database } = deps;
  const guard = database.kind === 'sqlite' ? storageGuardOf(database.sqlite.sqlite) : undefined;
  const schedule = (name: string, everyMs: number, job: () => unknown) => {
    let busy = false;
    const tick = () => {
      if (busy || guard?.refresh()) return;
      busy = true;
      const run = Promise.resolve()
        .then(job)
        .then(
          (result) => deps.logger.debug({ job: name, result }, 'job ran'),
          (err: unknown) => logBackgroundFailure(deps.logger, { job: name }, 'job failed', err),
        )
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    tick();
    const timer = setInterval(tick, everyMs);
    timer.unref();
    return timer;
  };
  const dispatch = {
    engine: deps.engine,
    clock: deps.clock,
    logger: deps.logger,
    mailer: deps.mailer,
    payments: deps.payments,
    storeName: deps.config.STORE_NAME,
    retryBaseMs: deps.config.OUTBOX_RETRY_BASE_MS,
    allowPrivateTargets: deps.config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  };
  const timers = [
    schedule('outbox', OUTBOX_POLL_MS, () => deliverDueMessages(dispatch, OUTBOX_RUN_LIMIT)),
    schedule('cleanup', 60 * MINUTE, () =>
      runExclusive(deps.engine, 'cleanup', (tx) => cleanUpExpired(tx, deps.clock.now())),
    ),
    schedule('live-events-prune', 10 * MINUTE, () =>
      runExclusive(deps.engine, 'live-events-prune', (tx) => pruneLiveEvents(tx, deps.clock.now())),
    ),
    schedule('order-expiry', MINUTE, () =>
      runExclusive(deps.engine, 'order-expiry', (tx) =>
        expireUnpaid(tx, {
          now: deps.clock.now(),
          timeoutMinutes: deps.config.ORDER_PAYMENT_TIMEOUT_MINUTES,
        }),
      ),
    ),
  ];
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
