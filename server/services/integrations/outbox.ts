import type { Stores } from '../../../db/stores/index.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import {
  mailMessage,
  type RefundRequest,
  refundMessage,
  type WebhookEvent,
  webhookMessages,
} from './outbox-messages.js';

/**
 * The transactional outbox: messages that must leave the process are written in the transaction of
 * the change they are about (pass that transaction's `tx`), and delivered afterwards by the
 * dispatcher (dispatch.ts) with retries.
 */

export { deliverDueMessages, type OutboxDeliveryDeps, signWebhook } from './dispatch.js';
export type { RefundRequest, WebhookEvent } from './outbox-messages.js';

/** Queues a mail, in the transaction of the change the mail is about. */
export async function queueMail(tx: Stores, to: string, mail: MailTemplate, now: number): Promise<void> {
  await tx.integrations.enqueue(mailMessage(to, mail, now));
}

/** Queues one delivery of `event` to every webhook subscribed to it, in the caller's transaction. */
export async function queueWebhookEvent(
  tx: Stores,
  event: WebhookEvent,
  data: Record<string, unknown>,
  now: number,
): Promise<void> {
  const subscriptions = await tx.integrations.webhookSubscriptions();
  for (const message of webhookMessages(subscriptions, event, data, now)) {
    await tx.integrations.enqueue(message);
  }
}

/** Queues a provider refund, so a crash after the cancellation commits cannot lose it. */
export async function queueRefund(tx: Stores, refund: RefundRequest, now: number): Promise<void> {
  await tx.integrations.enqueue(refundMessage(refund, now));
}
