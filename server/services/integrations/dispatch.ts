import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
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
 * How long a claim on one message holds: longer than its delivery may take (a webhook gives up
 * after 10 s, SMTP's timeouts are 10 s, see mailer.ts), short enough that a message claimed by a
 * process that died goes out soon after. NOTE: Stripe's SDK may take 3 × 20 s; a refund outliving
 * its claim may be asked for twice, which its idempotency key makes harmless (stripe.ts).
 */
export const CLAIM_LEASE_MS = 30_000;

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

type Settlement =
  | { ok: true; statusCode: number | null; refundedPaymentId?: string }
  | { ok: false; giveUp: boolean; nextAttemptAt: number; statusCode: number | null; error: string };

/** What to record for a delivery's outcome; logs a failure (outside any transaction: it may run twice). */
function settlementOf(deps: OutboxDeliveryDeps, message: OutboxMessage, outcome: Outcome): Settlement {
  const statusCode = outcome.statusCode ?? null;
  if (outcome.ok) {
    if (message.kind !== 'refund') return { ok: true, statusCode };
    const refund = JSON.parse(message.payload) as RefundRequest;
    return { ok: true, statusCode, refundedPaymentId: refund.paymentId };
  }
  const giveUp = !outcome.retry || message.attempts >= MAX_ATTEMPTS[message.kind];
  deps.logger.warn(
    { outbox: message.id, kind: message.kind, attempts: message.attempts, error: outcome.error, giveUp },
    'outbox delivery failed',
  );
  const backoff = Math.min(deps.retryBaseMs * 2 ** (message.attempts - 1), MAX_DELAY_MS);
  return {
    ok: false,
    giveUp,
    nextAttemptAt: deps.clock.now() + backoff,
    statusCode,
    error: outcome.error.slice(0, 500),
  };
}

/** Records a settlement under the message's claim; false when the claim had lapsed meanwhile. */
async function record(
  tx: Stores,
  message: OutboxMessage,
  settlement: Settlement,
  now: number,
): Promise<boolean> {
  const claim = { id: message.id, attempts: message.attempts };
  if (!settlement.ok) return tx.integrations.recordFailedAttempt(claim, settlement);
  if (settlement.refundedPaymentId)
    await tx.integrations.markPaymentRefunded(settlement.refundedPaymentId, now);
  return tx.integrations.recordDelivered(claim, { doneAt: now, statusCode: settlement.statusCode });
}

/**
 * Delivers what was due when it started, oldest first, up to `limit` messages: done on success;
 * otherwise retried with exponential backoff (base × 2^(attempt − 1), at most an hour) until the
 * kind's attempt limit, then failed. Each message is claimed just before it is sent (a conditional
 * update in a transaction; on PostgreSQL rows another holds are skipped), so dispatchers in several
 * processes never send one message at the same time; a claim held by a process that died lapses
 * after CLAIM_LEASE_MS. One transaction per message: it records the last outcome and claims the next.
 */
export async function deliverDueMessages(
  deps: OutboxDeliveryDeps,
  limit = 50,
): Promise<{ delivered: number; failed: number }> {
  // A message that fails now is due again later than this, so one run never retries it twice.
  const dueBy = deps.clock.now();
  const claimNext = async (tx: Stores) => {
    const leaseUntil = deps.clock.now() + CLAIM_LEASE_MS;
    const [next] = await tx.integrations.claimDue({ dueBy, leaseUntil, limit: 1 });
    return next;
  };
  let delivered = 0;
  let failed = 0;
  let message = limit > 0 ? await deps.engine.transaction(claimNext) : undefined;
  for (let taken = 1; message; taken++) {
    const current = message;
    const settlement = settlementOf(deps, current, await deliver(deps, current));
    const now = deps.clock.now();
    const { held, next } = await deps.engine.transaction(async (tx) => ({
      held: await record(tx, current, settlement, now),
      next: taken < limit ? await claimNext(tx) : undefined,
    }));
    // The claim lapsed mid-delivery and another dispatcher took the message over: its record stands.
    if (!held)
      deps.logger.warn(
        { outbox: current.id, kind: current.kind },
        'outbox claim lapsed before delivery ended',
      );
    if (settlement.ok) delivered += 1;
    else if (settlement.giveUp && held) failed += 1;
    message = next;
  }
  return { delivered, failed };
}
