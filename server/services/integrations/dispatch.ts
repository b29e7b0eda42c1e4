import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Engine } from '../../../db/engine.js';
import type { Executor } from '../../../db/sqlite/client.js';
import { sqliteEngineOnConnection } from '../../../db/sqlite/connection-engine.js';
import type { OutboxKind, OutboxMessage } from '../../../db/stores/integrations.js';
import type { Clock } from '../../clock.js';
import type { Mailer } from '../../integrations/mail/mailer.js';
import { renderMail } from '../../integrations/mail/templates.js';
import type { PaymentProvider } from '../../integrations/payments/index.js';
import { postWebhook, WebhookTargetRefused } from '../../integrations/webhooks/post.js';
import type { MailPayload, RefundRequest } from './outbox-messages.js';

const MAX_ATTEMPTS: Record<OutboxKind, number> = { mail: 10, webhook: 8, refund: 10 };
const MAX_DELAY_MS = 60 * 60 * 1000;
/**
 * Messages claimed per transaction, and how long a claim holds: long enough for the slowest
 * delivery of a claim (a webhook times out after 10 s, Stripe's SDK after 3 × 20 s), short enough
 * that a message claimed by a process that died is retried by another within minutes.
 */
const CLAIM_SIZE = 5;
const CLAIM_LEASE_MS = 5 * 60 * 1000;

/** `Backroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

export interface OutboxDeliveryDeps {
  engine: Engine;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  payments: PaymentProvider;
  storeName: string;
  retryBaseMs: number;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: let webhooks reach loopback and private addresses. */
  allowPrivateTargets: boolean;
}

/** LEGACY: the dispatcher's dependencies with SQLite's write connection instead of the engine. */
export interface DispatchDeps extends Omit<OutboxDeliveryDeps, 'engine'> {
  db: Executor;
}

type Outcome =
  | { ok: true; statusCode?: number }
  | { ok: false; retry: boolean; error: string; statusCode?: number };

async function deliverWebhook(deps: OutboxDeliveryDeps, message: OutboxMessage): Promise<Outcome> {
  const hook = message.webhookId
    ? await deps.engine.read.integrations.findWebhook(message.webhookId)
    : undefined;
  if (!hook) return { ok: false, retry: false, error: 'webhook deleted' };
  const timestamp = Math.floor(deps.clock.now() / 1000);
  try {
    const status = await postWebhook(hook.url, {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Backroom-Webhooks/1',
        'backroom-event': message.event ?? '',
        'backroom-delivery': message.id,
        'backroom-signature': signWebhook(hook.secret, timestamp, message.payload),
      },
      body: message.payload,
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

/** Sends one message (outside any transaction: SMTP, HTTP and the provider take their time). */
async function deliver(deps: OutboxDeliveryDeps, message: OutboxMessage): Promise<Outcome> {
  if (message.kind === 'webhook') return deliverWebhook(deps, message);
  try {
    if (message.kind === 'mail') {
      const { to, mail } = JSON.parse(message.payload) as MailPayload;
      await deps.mailer.send({ to, ...renderMail(deps.storeName, mail) }, message.id);
    } else {
      await deps.payments.refund(JSON.parse(message.payload) as RefundRequest);
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, retry: true, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Records the outcome under the claim; returns whether the message is now failed for good. */
async function settle(deps: OutboxDeliveryDeps, message: OutboxMessage, outcome: Outcome): Promise<boolean> {
  const claim = { id: message.id, attempts: message.attempts };
  const now = deps.clock.now();
  const statusCode = outcome.statusCode ?? null;
  let giveUp = false;
  let held: boolean;
  if (outcome.ok) {
    held = await deps.engine.transaction(async (tx) => {
      if (message.kind === 'refund') {
        const refund = JSON.parse(message.payload) as RefundRequest;
        await tx.integrations.markPaymentRefunded(refund.paymentId, now);
      }
      return tx.integrations.recordDelivered(claim, { doneAt: now, statusCode });
    });
  } else {
    giveUp = !outcome.retry || message.attempts >= MAX_ATTEMPTS[message.kind];
    deps.logger.warn(
      { outbox: message.id, kind: message.kind, attempts: message.attempts, error: outcome.error, giveUp },
      'outbox delivery failed',
    );
    const backoff = Math.min(deps.retryBaseMs * 2 ** (message.attempts - 1), MAX_DELAY_MS);
    const facts = { giveUp, nextAttemptAt: now + backoff, statusCode, error: outcome.error.slice(0, 500) };
    held = await deps.engine.transaction((tx) => tx.integrations.recordFailedAttempt(claim, facts));
  }
  // The claim lapsed mid-delivery and another dispatcher took the message over: its record stands.
  if (!held)
    deps.logger.warn({ outbox: message.id, kind: message.kind }, 'outbox claim lapsed before delivery ended');
  return giveUp && held;
}

/**
 * Delivers what was due when it started, oldest first, up to `limit` messages: done on success;
 * otherwise retried with exponential backoff (base × 2^(attempt − 1), at most an hour) until the
 * kind's attempt limit, then failed. Each message is claimed first (a conditional update in a
 * transaction; on PostgreSQL rows another holds are skipped), so dispatchers in several processes never
 * send one message at the same time; a claim held by a process that died lapses after its lease.
 */
export async function deliverDueMessages(
  deps: OutboxDeliveryDeps,
  limit = 50,
): Promise<{ delivered: number; failed: number }> {
  // A message that fails now is due again later than this, so one run never retries it twice.
  const dueBy = deps.clock.now();
  let delivered = 0;
  let failed = 0;
  for (let taken = 0; taken < limit; ) {
    const size = Math.min(CLAIM_SIZE, limit - taken);
    const leaseUntil = deps.clock.now() + CLAIM_LEASE_MS;
    const claimed = await deps.engine.transaction((tx) =>
      tx.integrations.claimDue({ dueBy, leaseUntil, limit: size }),
    );
    for (const message of claimed) {
      const outcome = await deliver(deps, message);
      if (outcome.ok) delivered += 1;
      if (await settle(deps, message, outcome)) failed += 1;
    }
    taken += claimed.length;
    if (claimed.length < size) break;
  }
  return { delivered, failed };
}

/** LEGACY: deliverDueMessages on SQLite's write connection, for callers that hold `deps.db`. */
export function dispatchDue(deps: DispatchDeps, limit = 50): Promise<{ delivered: number; failed: number }> {
  const { db, ...rest } = deps;
  return deliverDueMessages({ ...rest, engine: sqliteEngineOnConnection(db) }, limit);
}
