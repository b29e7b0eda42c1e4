import { randomBytes } from 'node:crypto';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type { WebhookDeliveryRow, WebhookRow } from '../../../db/stores/integrations.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { webhookUrlRefusal } from '../../integrations/webhooks/target.js';

/** How many deliveries the log shows. */
const DELIVERY_LOG_SIZE = 100;

const iso = (ms: number) => new Date(ms).toISOString();

const view = (row: WebhookRow) => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as string[],
  createdAt: iso(row.createdAt),
});

/** A pending delivery shows when it is next tried; a settled one shows when it settled. */
const deliveryView = (row: WebhookDeliveryRow) => ({
  ...row,
  nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
  createdAt: iso(row.createdAt),
  doneAt: row.doneAt === null ? null : iso(row.doneAt),
});

const noSuchWebhook = () => new AppError('NOT_FOUND', 'NOT_FOUND', 'No such webhook');

/**
 * Registers an endpoint; the signing secret is shown in this answer only. BAD_REQUEST
 * WEBHOOK_TARGET_FORBIDDEN for a URL that names a loopback, private or otherwise non-public target.
 */
export async function createWebhook(
  engine: Engine,
  input: { url: string; events: string[] },
  facts: { now: number; allowPrivateTargets: boolean },
) {
  const refusal = webhookUrlRefusal(input.url, facts.allowPrivateTargets);
  if (refusal) {
    throw new AppError('BAD_REQUEST', 'WEBHOOK_TARGET_FORBIDDEN', `Webhook URL refused: ${refusal}`, {
      url: [refusal],
    });
  }
  const row: WebhookRow = {
    id: newId(),
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    secret: `whsec_${randomBytes(24).toString('hex')}`,
    createdAt: facts.now,
  };
  await engine.transaction((tx) => tx.integrations.insertWebhook(row));
  return { ...view(row), secret: row.secret };
}

export async function listWebhooks(s: Stores) {
  return (await s.integrations.listWebhooks()).map(view);
}

export async function deleteWebhook(engine: Engine, id: string) {
  if (!(await engine.transaction((tx) => tx.integrations.deleteWebhook(id)))) throw noSuchWebhook();
  return { ok: true as const };
}

/** The delivery log of one webhook, newest first. */
export async function deliveries(s: Stores, webhookId: string) {
  if (!(await s.integrations.findWebhook(webhookId))) throw noSuchWebhook();
  return (await s.integrations.webhookDeliveries(webhookId, DELIVERY_LOG_SIZE)).map(deliveryView);
}
