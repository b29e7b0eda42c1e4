import { randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { webhook } from '../../../db/sqlite/schema/index.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { webhookUrlRefusal } from '../../integrations/webhooks/target.js';
import { webhookDeliveries } from './outbox.js';

const view = (row: typeof webhook.$inferSelect) => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as string[],
  createdAt: new Date(row.createdAt).toISOString(),
});

/**
 * Registers an endpoint; the signing secret is shown in this answer only. BAD_REQUEST
 * WEBHOOK_TARGET_FORBIDDEN for a URL that names a loopback, private or otherwise non-public target.
 */
export function createWebhook(
  db: Executor,
  input: { url: string; events: string[] },
  facts: { now: number; allowPrivateTargets: boolean },
) {
  const refusal = webhookUrlRefusal(input.url, facts.allowPrivateTargets);
  if (refusal) {
    throw new AppError('BAD_REQUEST', 'WEBHOOK_TARGET_FORBIDDEN', `Webhook URL refused: ${refusal}`, {
      url: [refusal],
    });
  }
  const { now } = facts;
  const row = {
    id: newId(),
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    secret: `whsec_${randomBytes(24).toString('hex')}`,
    createdAt: now,
  };
  db.insert(webhook).values(row).run();
  return { ...view(row), secret: row.secret };
}

export function listWebhooks(db: Executor) {
  return db.select().from(webhook).orderBy(desc(webhook.createdAt)).all().map(view);
}

export function deleteWebhook(db: Executor, id: string) {
  if (db.delete(webhook).where(eq(webhook.id, id)).run().changes === 0) {
    throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such webhook');
  }
  return { ok: true as const };
}

export function deliveries(db: Executor, webhookId: string) {
  if (!db.select({ id: webhook.id }).from(webhook).where(eq(webhook.id, webhookId)).get()) {
    throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such webhook');
  }
  return webhookDeliveries(db, webhookId);
}
