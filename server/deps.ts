import type { Logger } from 'pino';
import type { Engine } from '../db/engine.js';
import type { Db, Sqlite } from '../db/sqlite/client.js';
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

/** What the app is built from; tests build theirs with createDeps too (own database, manual clock). */
export interface Deps {
  /** The data-access layer, the same on both engines: what business logic uses. */
  engine: Engine;
  /** The open engine with what only it has (/readyz reads its storage or its server). */
  database: OpenDatabase;
  // NOTE: db and sqlite are SQLite's write connection, for the services not yet on `engine`.
  db: Db;
  sqlite: Sqlite;
  config: Config;
  logger: Logger;
  clock: Clock;
  payments: PaymentProvider;
  mailer: Mailer;
  passwords: Passwords;
}

/** The one way to assemble the dependencies, for the server process and for the tests. */
export function createDeps(
  config: Config,
  database: OpenDatabase,
  logger: Logger,
  clock: Clock,
  passwordCost: PasswordCost = PRODUCTION_PASSWORD_COST,
): Deps {
  // TODO(issue 12): db and sqlite go once every service runs on the engine.
  if (database.kind !== 'sqlite') throw new Error('the services do not run on PostgreSQL yet');
  return {
    engine: database.engine,
    database,
    db: database.sqlite.db,
    sqlite: database.sqlite.sqlite,
    config,
    logger,
    clock,
    payments: createPaymentProvider(config),
    mailer: createMailer(config),
    passwords: createPasswords(passwordCost),
  };
}
