import type { Deps } from './deps.js';
import { ensureAdmin } from './services/accounts/auth.js';
import { catalogIsEmpty, seedDemoStore } from './services/catalog/demo-catalog.js';

/** Start-up work on the database: the configured admin exists; an empty shop gets the demo store. */
export async function bootstrap(
  deps: Pick<Deps, 'engine' | 'config' | 'clock' | 'logger' | 'passwords'>,
): Promise<void> {
  const { config, engine, clock, logger } = deps;
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const result = await ensureAdmin(
      deps.engine,
      deps.passwords,
      config.ADMIN_EMAIL,
      config.ADMIN_PASSWORD,
      clock.now(),
    );
    if (result.outcome === 'refused') {
      // NOTE: the shop still starts (customers are served); only the admin grant is withheld.
      logger.error(
        { admin: config.ADMIN_EMAIL, userId: result.userId },
        'ADMIN_EMAIL belongs to an account this server did not create and whose password is not ' +
          'ADMIN_PASSWORD, so it was NOT made admin. If the account is yours, set its password to ' +
          'ADMIN_PASSWORD (auth.requestPasswordReset mails a link to that address) and restart; ' +
          'otherwise choose another ADMIN_EMAIL.',
      );
    } else {
      logger.info({ admin: config.ADMIN_EMAIL, outcome: result.outcome }, 'admin account ensured');
    }
  }
  if (config.WEBHOOK_ALLOW_PRIVATE_TARGETS && config.NODE_ENV === 'production') {
    logger.warn('WEBHOOK_ALLOW_PRIVATE_TARGETS=true: webhooks may reach loopback and private addresses');
  }
  if (config.SEED_DEMO && (await catalogIsEmpty(engine.read))) {
    const seeded = await seedDemoStore(engine, clock.now());
    logger.info(seeded, 'demo store created');
  }
}
