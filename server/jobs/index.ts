import type { Deps } from '../deps.js';
import { cleanUpExpired } from './session-cleanup.js';

export interface Jobs {
  stop(): void;
}

const HOUR = 60 * 60 * 1000;

/** Starts the in-process jobs; a job that fails is logged and tried again on its next tick. */
export function startJobs(deps: Deps): Jobs {
  const run = (name: string, job: () => unknown) => () => {
    try {
      const result = job();
      deps.logger.debug({ job: name, result }, 'job ran');
    } catch (err) {
      deps.logger.error({ job: name, err }, 'job failed');
    }
  };
  const cleanup = run('cleanup', () => cleanUpExpired(deps));
  cleanup();
  const timers = [setInterval(cleanup, HOUR)];
  for (const timer of timers) timer.unref();
  return { stop: () => timers.forEach(clearInterval) };
}
