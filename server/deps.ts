import type { Logger } from 'pino';
import type { Engine } from '../db/engine.js';
import {
  createPasswords,
  type PasswordCost,
  type Passwords,
  PRODUCTION_PASSWORD_COST,
} from './auth/passwords.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { OpenDatabase } from './database.js';
import { createMailer, type Mailer } from './integrations/mail/mailer.js';
import { createPaymentProvider, type PaymentProvider } from './integrations/payments/index.js';
import { createLiveHub, type LiveHub } from './live/hub.js';

/** What the app is built from; tests build theirs with createDeps too (own database, manual clock). */
export interface Deps {
  /** The data-access layer, the same on both engines: what business logic uses. */
  engine: Engine;
  /** The open engine with what only it has (/readyz reads its storage or its server). */
  database: OpenDatabase;
  config: Config;
  logger: Logger;
  clock: Clock;
  payments: PaymentProvider;
  mailer: Mailer;
  passwords: Passwords;
  /** Live updates of this process: the event bus and the subscription limits (close it before the database). */
  live: LiveHub;
}

/** The one way to assemble the dependencies, for the server process and for the tests. */
export function createDeps(
  config: Config,
  database: OpenDatabase,
  logger: Logger,
  clock: Clock,
  passwordCost: PasswordCost = PRODUCTION_PASSWORD_COST,
): Deps {
  return {
    engine: database.engine,
    database,
    config,
    logger,
    clock,
    payments: createPaymentProvider(config),
    mailer: createMailer(config),
    passwords: createPasswords(passwordCost),
    live: createLiveHub(database, config, logger),
  };
}
