import { randomBytes } from 'node:crypto';
import type { NewOutboxMessage, WebhookRow } from '../../../db/stores/integrations.js';
import type { WEBHOOK_EVENT_NAMES } from '../../../shared/schemas/index.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';

/**
 * What goes into the outbox, built once for both the async services and the legacy synchronous
 * enqueue (legacy-enqueue.ts): they differ only in how the rows are written.
 */

/** Base32 over the same characters as newId's ids, in ASCII order, so the text sorts as the bytes do. */
const SORTABLE_BASE32 = '234567abcdefghijklmnopqrstuvwxyz';
let sequence = 0;

/**
 * An outbox message's id (24 characters of [a-z2-7], like newId's): its creation time (48 bits), a
 * counter of this process (32 bits) and 40 random bits. Ids sort in the order this process queued
 * the messages, so that messages queued in one millisecond (an order's confirmation, then its payment
 * receipt) are delivered in that order on both engines: the dispatcher breaks ties by id.
 */
export function outboxMessageId(now: number): string {
  const bytes = Buffer.alloc(15);
  bytes.writeUIntBE(Math.max(0, Math.min(now, 2 ** 48 - 1)), 0, 6);
  bytes.writeUInt32BE(sequence, 6);
  sequence = (sequence + 1) % 2 ** 32;
  randomBytes(5).copy(bytes, 10);
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += SORTABLE_BASE32[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return text;
}

export type WebhookEvent = (typeof WEBHOOK_EVENT_NAMES)[number];

export interface RefundRequest {
  orderId: string;
  paymentId: string;
  externalId: string | null;
  amount: number;
  currency: string;
}

export interface MailPayload {
  to: string;
  mail: MailTemplate;
}

export function mailMessage(to: string, mail: MailTemplate, now: number): NewOutboxMessage {
  const payload: MailPayload = { to, mail };
  return {
    id: outboxMessageId(now),
    kind: 'mail',
    payload: JSON.stringify(payload),
    webhookId: null,
    event: null,
    createdAt: now,
  };
}

export function refundMessage(refund: RefundRequest, now: number): NewOutboxMessage {
  return {
    id: outboxMessageId(now),
    kind: 'refund',
    payload: JSON.stringify(refund),
    webhookId: null,
    event: null,
    createdAt: now,
  };
}

/**
 * One delivery of `event` per webhook subscribed to it. The delivery id is also the body's `id`
 * (and the Backroom-Delivery header), so a receiver can deduplicate retries.
 */
export function webhookMessages(
  subscriptions: Pick<WebhookRow, 'id' | 'events'>[],
  event: WebhookEvent,
  data: Record<string, unknown>,
  now: number,
): NewOutboxMessage[] {
  return subscriptions
    .filter((hook) => (JSON.parse(hook.events) as string[]).includes(event))
    .map((hook) => {
      const id = outboxMessageId(now);
      const body = { id, type: event, createdAt: new Date(now).toISOString(), data };
      return {
        id,
        kind: 'webhook',
        payload: JSON.stringify(body),
        webhookId: hook.id,
        event,
        createdAt: now,
      };
    });
}
