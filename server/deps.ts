import type { Logger } from 'pino';
import type { Db, Sqlite } from '../db/client.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Mailer } from './integrations/mail/mailer.js';
import type { PaymentProvider } from './integrations/payments/index.js';

/** What the app is built from; tests build their own (in-memory database, manual clock). */
export interface Deps {
  db: Db;
  sqlite: Sqlite;
  config: Config;
  logger: Logger;
  clock: Clock;
  payments: PaymentProvider;
  mailer: Mailer;
}
