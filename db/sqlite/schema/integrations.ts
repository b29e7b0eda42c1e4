import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { user } from './auth.js';

/** Single-use tokens for password reset and email verification; only the SHA-256 is stored. */
export const userToken = sqliteTable(
  'user_token',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['password_reset', 'email_verification'] }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    check('user_token_purpose_check', sql`${t.purpose} in ('password_reset', 'email_verification')`),
    index('user_token_user_idx').on(t.userId, t.purpose),
  ],
);

/** Merchants' endpoints for outbound webhooks. */
export const webhook = sqliteTable('webhook', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** JSON array of event names. */
  events: text('events').notNull(),
  secret: text('secret').notNull(),
  createdAt: integer('created_at').notNull(),
});

/**
 * The transactional outbox: every message that must leave the process (mail, webhook, refund),
 * written in the transaction of the change that causes it and delivered by the dispatcher job.
 * Webhook rows double as the delivery log.
 */
export const outboxMessage = sqliteTable(
  'outbox_message',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['mail', 'webhook', 'refund'] }).notNull(),
    /** JSON: the mail, the webhook body, or the refund to make. */
    payload: text('payload').notNull(),
    webhookId: text('webhook_id').references(() => webhook.id, { onDelete: 'cascade' }),
    event: text('event'),
    status: text('status', { enum: ['pending', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    doneAt: integer('done_at'),
  },
  (t) => [
    check('outbox_kind_check', sql`${t.kind} in ('mail', 'webhook', 'refund')`),
    check('outbox_status_check', sql`${t.status} in ('pending', 'done', 'failed')`),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_webhook_idx').on(t.webhookId, t.createdAt),
  ],
);

/** Stripe events already applied: recorded in the same transaction as their effect. */
export const paymentEvent = sqliteTable('payment_event', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  outcome: text('outcome').notNull(),
  receivedAt: integer('received_at').notNull(),
});
