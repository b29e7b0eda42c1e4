import type { NewOutboxMessage, WebhookRow } from '../../../db/stores/integrations.js';
import type { WEBHOOK_EVENT_NAMES } from '../../../shared/schemas/index.js';
import { newId } from '../../ids.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';

/**
 * What goes into the outbox, built once for both the async services and the legacy synchronous
 * enqueue (legacy-enqueue.ts): they differ only in how the rows are written.
 */

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
    id: newId(),
    kind: 'mail',
    payload: JSON.stringify(payload),
    webhookId: null,
    event: null,
    createdAt: now,
  };
}

export function refundMessage(refund: RefundRequest, now: number): NewOutboxMessage {
  return {
    id: newId(),
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
      const id = newId();
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
