import type { Executor } from '../../../db/sqlite/client.js';
import { sqliteEngineOnConnection } from '../../../db/sqlite/connection-engine.js';
import { outboxInsertQuery, webhookSubscriptionsQuery } from '../../../db/sqlite/integrations.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import { deliverDueMessages, type OutboxDeliveryDeps } from './dispatch.js';
import {
  mailMessage,
  type RefundRequest,
  refundMessage,
  type WebhookEvent,
  webhookMessages,
} from './outbox-messages.js';

/**
 * LEGACY: the outbox for callers that hold SQLite's write connection rather than the engine: the
 * synchronous enqueue (accounts' account-tokens, orders' notifications, cancellation and payment
 * events) and the dispatcher on `deps.db` (tests). Their replacements are queueMail,
 * queueWebhookEvent, queueRefund (outbox.ts) and deliverDueMessages (dispatch.ts); same rows, same
 * prepared statements as the SQLite store.
 */

/** Queues a mail; call it inside the transaction of the change the mail is about. */
export function enqueueMail(tx: Executor, to: string, mail: MailTemplate, now: number): void {
  preparedQuery(tx, 'outbox-insert', outboxInsertQuery).run(mailMessage(to, mail, now));
}

/** Queues one delivery of `event` to every webhook subscribed to it, in the caller's transaction. */
export function emitWebhookEvent(
  tx: Executor,
  event: WebhookEvent,
  data: Record<string, unknown>,
  now: number,
): void {
  const subscriptions = preparedQuery(tx, 'webhook-subscriptions', webhookSubscriptionsQuery).all();
  for (const message of webhookMessages(subscriptions, event, data, now)) {
    preparedQuery(tx, 'outbox-insert', outboxInsertQuery).run(message);
  }
}

/** Queues a provider refund, so a crash after the cancellation commits cannot lose it. */
export function enqueueRefund(tx: Executor, refund: RefundRequest, now: number): void {
  preparedQuery(tx, 'outbox-insert', outboxInsertQuery).run(refundMessage(refund, now));
}

/** The dispatcher's dependencies with SQLite's write connection instead of the engine. */
export interface DispatchDeps extends Omit<OutboxDeliveryDeps, 'engine'> {
  db: Executor;
}

/** LEGACY: deliverDueMessages on SQLite's write connection, for callers that hold `deps.db`. */
export function dispatchDue(deps: DispatchDeps, limit = 50): Promise<{ delivered: number; failed: number }> {
  const { db, ...rest } = deps;
  return deliverDueMessages({ ...rest, engine: sqliteEngineOnConnection(db) }, limit);
}
