import { createHmac } from 'node:crypto';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { outboxMessage, payment, webhook } from '../../../db/sqlite/schema/index.js';
import type { WEBHOOK_EVENT_NAMES } from '../../../shared/schemas/index.js';
import type { Clock } from '../../clock.js';
import { newId } from '../../ids.js';
import type { Mailer } from '../../integrations/mail/mailer.js';
import { type MailTemplate, renderMail } from '../../integrations/mail/templates.js';
import type { PaymentProvider } from '../../integrations/payments/index.js';
import { postWebhook, WebhookTargetRefused } from '../../integrations/webhooks/post.js';

export type WebhookEvent = (typeof WEBHOOK_EVENT_NAMES)[number];

const MAX_ATTEMPTS = { mail: 10, webhook: 8, refund: 10 } as const;
const MAX_DELAY_MS = 60 * 60 * 1000;

const outboxInsert = (db: Executor) =>
  db
    .insert(outboxMessage)
    .values({
      id: sql.placeholder('id'),
      kind: sql.placeholder('kind'),
      payload: sql.placeholder('payload'),
      webhookId: sql.placeholder('webhookId'),
      event: sql.placeholder('event'),
      nextAttemptAt: sql.placeholder('createdAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .prepare();

function enqueue(
  tx: Executor,
  row: {
    kind: 'mail' | 'webhook' | 'refund';
    payload: string;
    createdAt: number;
    webhookId?: string;
    event?: string;
  },
  id = newId(),
): string {
  preparedQuery(tx, 'outbox-insert', outboxInsert).run({
    id,
    kind: row.kind,
    payload: row.payload,
    webhookId: row.webhookId ?? null,
    event: row.event ?? null,
    createdAt: row.createdAt,
  });
  return id;
}

/** Queues a mail; call it inside the transaction of the change the mail is about. */
export function enqueueMail(tx: Executor, to: string, mail: MailTemplate, now: number): void {
  enqueue(tx, { kind: 'mail', payload: JSON.stringify({ to, mail }), createdAt: now });
}

const webhookSubscriptions = (db: Executor) =>
  db.select({ id: webhook.id, events: webhook.events }).from(webhook).prepare();

/** Queues one delivery of `event` to every webhook subscribed to it, in the caller's transaction. */
export function emitWebhookEvent(
  tx: Executor,
  event: WebhookEvent,
  data: Record<string, unknown>,
  now: number,
): void {
  const hooks = preparedQuery(tx, 'webhook-subscriptions', webhookSubscriptions).all();
  for (const hook of hooks) {
    if (!(JSON.parse(hook.events) as string[]).includes(event)) continue;
    const id = newId();
    const body = { id, type: event, createdAt: new Date(now).toISOString(), data };
    enqueue(
      tx,
      { kind: 'webhook', payload: JSON.stringify(body), webhookId: hook.id, event, createdAt: now },
      id,
    );
  }
}

export interface RefundRequest {
  orderId: string;
  paymentId: string;
  externalId: string | null;
  amount: number;
  currency: string;
}

/** Queues a provider refund, so a crash after the cancellation commits cannot lose it. */
export function enqueueRefund(tx: Executor, refund: RefundRequest, now: number): void {
  enqueue(tx, { kind: 'refund', payload: JSON.stringify(refund), createdAt: now });
}

/** `Backroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

export interface DispatchDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  payments: PaymentProvider;
  storeName: string;
  retryBaseMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: let webhooks reach loopback and private addresses. */
  allowPrivateTargets: boolean;
}

type Outcome =
  | { ok: true; statusCode?: number }
  | { ok: false; retry: boolean; error: string; statusCode?: number };

async function deliverWebhook(deps: DispatchDeps, row: typeof outboxMessage.$inferSelect): Promise<Outcome> {
  const hook = deps.db
    .select()
    .from(webhook)
    .where(eq(webhook.id, row.webhookId ?? ''))
    .get();
  if (!hook) return { ok: false, retry: false, error: 'webhook deleted' };
  const timestamp = Math.floor(deps.clock.now() / 1000);
  try {
    const status = await postWebhook(hook.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Backroom-Webhooks/1',
        'backroom-event': row.event ?? '',
        'backroom-delivery': row.id,
        'backroom-signature': signWebhook(hook.secret, timestamp, row.payload),
      },
      body: row.payload,
      timeoutMs: 10_000,
      allowPrivateTargets: deps.allowPrivateTargets,
    });
    if (status >= 200 && status < 300) return { ok: true, statusCode: status };
    const retry = status >= 500 || status === 429;
    return { ok: false, retry, statusCode: status, error: `HTTP ${status}` };
  } catch (error) {
    // A refused target stays refused: failed at once, with the reason in the delivery log.
    if (error instanceof WebhookTargetRefused)
      return { ok: false, retry: false, error: `Refused: ${error.message}` };
    return { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
  }
}

async function deliver(deps: DispatchDeps, row: typeof outboxMessage.$inferSelect): Promise<Outcome> {
  if (row.kind === 'webhook') return deliverWebhook(deps, row);
  try {
    if (row.kind === 'mail') {
      const { to, mail } = JSON.parse(row.payload) as { to: string; mail: MailTemplate };
      await deps.mailer.send({ to, ...renderMail(deps.storeName, mail) }, row.id);
    } else {
      const refund = JSON.parse(row.payload) as RefundRequest;
      await deps.payments.refund(refund);
      deps.db
        .update(payment)
        .set({ status: 'refunded', updatedAt: deps.clock.now() })
        .where(and(eq(payment.id, refund.paymentId), eq(payment.status, 'succeeded')))
        .run();
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Delivers what is due, oldest first: done on success; otherwise retried with exponential backoff
 * (base × 2^(attempt − 1), at most an hour) until the kind's attempt limit, then failed.
 */
export async function dispatchDue(
  deps: DispatchDeps,
  limit = 50,
): Promise<{ delivered: number; failed: number }> {
  const due = deps.db
    .select()
    .from(outboxMessage)
    .where(and(eq(outboxMessage.status, 'pending'), lte(outboxMessage.nextAttemptAt, deps.clock.now())))
    .orderBy(asc(outboxMessage.nextAttemptAt), asc(outboxMessage.createdAt))
    .limit(limit)
    .all();
  let delivered = 0;
  let failed = 0;
  for (const row of due) {
    const outcome = await deliver(deps, row);
    const attempts = row.attempts + 1;
    const now = deps.clock.now();
    if (outcome.ok) {
      delivered += 1;
      deps.db
        .update(outboxMessage)
        .set({
          status: 'done',
          attempts,
          doneAt: now,
          lastStatusCode: outcome.statusCode ?? null,
          lastError: null,
        })
        .where(eq(outboxMessage.id, row.id))
        .run();
      continue;
    }
    const giveUp = !outcome.retry || attempts >= MAX_ATTEMPTS[row.kind];
    if (giveUp) failed += 1;
    deps.logger.warn(
      { outbox: row.id, kind: row.kind, attempts, error: outcome.error, giveUp },
      'outbox delivery failed',
    );
    deps.db
      .update(outboxMessage)
      .set({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: now + Math.min(deps.retryBaseMs * 2 ** (attempts - 1), MAX_DELAY_MS),
        lastStatusCode: outcome.statusCode ?? null,
        lastError: outcome.error.slice(0, 500),
      })
      .where(eq(outboxMessage.id, row.id))
      .run();
  }
  return { delivered, failed };
}

/** The delivery log of one webhook, newest first. */
export function webhookDeliveries(db: Executor, webhookId: string, limit = 100) {
  return db
    .select({
      id: outboxMessage.id,
      event: outboxMessage.event,
      status: outboxMessage.status,
      attempts: outboxMessage.attempts,
      lastStatusCode: outboxMessage.lastStatusCode,
      lastError: outboxMessage.lastError,
      nextAttemptAt: outboxMessage.nextAttemptAt,
      createdAt: outboxMessage.createdAt,
      doneAt: outboxMessage.doneAt,
    })
    .from(outboxMessage)
    .where(eq(outboxMessage.webhookId, webhookId))
    .orderBy(desc(outboxMessage.createdAt), desc(outboxMessage.id))
    .limit(limit)
    .all()
    .map((row) => ({
      ...row,
      nextAttemptAt: row.status === 'pending' ? new Date(row.nextAttemptAt).toISOString() : null,
      createdAt: new Date(row.createdAt).toISOString(),
      doneAt: row.doneAt === null ? null : new Date(row.doneAt).toISOString(),
    }));
}
