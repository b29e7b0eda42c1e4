import type { Executor } from '../../../db/sqlite/client.js';
import { outboxInsertQuery, webhookSubscriptionsQuery } from '../../../db/sqlite/integrations.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import {
  mailMessage,
  type RefundRequest,
  refundMessage,
  type WebhookEvent,
  webhookMessages,
} from './outbox-messages.js';

/**
 * LEGACY: the synchronous enqueue on SQLite's write connection, for callers not yet on the engine
 * (accounts' account-tokens, orders' notifications, cancellation and payment events). Their async
 * replacements are queueMail, queueWebhookEvent and queueRefund in outbox.ts; same rows, same
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
