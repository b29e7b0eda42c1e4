import type { Deps } from './deps.js';
import { ensureAdmin } from './services/auth.js';
import { catalogIsEmpty, seedDemoStore } from './services/demo-store.js';

/** Start-up work on the database: the configured admin exists; an empty shop gets the demo store. */
export async function bootstrap(deps: Pick<Deps, 'db' | 'config' | 'clock' | 'logger'>): Promise<void> {
  const { config, db, clock, logger } = deps;
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await ensureAdmin(db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD, clock.now());
    logger.info({ admin: config.ADMIN_EMAIL }, 'admin account ensured');
  }
  if (config.SEED_DEMO && catalogIsEmpty(db)) {
    const seeded = seedDemoStore(db, clock.now());
    logger.info(seeded, 'demo store created');
  }
}
