import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type { OutboxDelivered, OutboxKind, OutboxMessage } from '../../../db/stores/integrations.js';
import type { Clock } from '../../clock.js';
import type { Mailer } from '../../integrations/mail/mailer.js';
import { renderMail } from '../../integrations/mail/templates.js';
import type { PaymentProvider } from '../../integrations/payments/index.js';
import { postWebhook, WebhookTargetRefused } from '../../integrations/webhooks/post.js';
import type { MailPayload, RefundRequest } from './outbox-messages.js';

const MAX_ATTEMPTS: Record<OutboxKind, number> = { mail: 10, webhook: 8, refund: 10 };
const MAX_DELAY_MS = 60 * 60 * 1000;
/**
 * How long a claim on a batch of messages holds: long enough for a few deliveries (a batch starts
 * one only while LONGEST_DELIVERY_MS and a margin of the claim are left), short enough that
 * messages claimed by a process that died go out soon after. NOTE: Stripe's SDK may take 3 × 20 s;
 * a refund outliving its claim may be asked for twice, which its idempotency key makes harmless
 * (stripe.ts).
 */
export const CLAIM_LEASE_MS = 30_000;
/**
 * The longest one delivery may take (the webhook timeout and SMTP's timeouts are 10 s): a batch
 * starts a delivery only while this much of its lease is left, so its lease covers every delivery.
 */
export const LONGEST_DELIVERY_MS = 10_000;
/** Left of the lease after the longest delivery, to record its outcome while the claim still holds. */
const RECORD_MARGIN_MS = 5_000;
/** Messages claimed at once (one claim statement) and recorded at once (one transaction). */
const BATCH_SIZE = 10;

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

/**
 * Records a batch's settlements under their claims, in the caller's transaction: the failed ones
 * one by one, the delivered ones in one call (refunds first mark their payment refunded). Answers,
 * per attempt, whether its claim was still held.
 */
async function recordBatch(tx: Stores, attempted: Attempt[]): Promise<boolean[]> {
  const held = new Map<string, boolean>();
  const delivered: OutboxDelivered[] = [];
  for (const { message, settlement, at } of attempted) {
    const claim = { id: message.id, attempts: message.attempts };
    if (!settlement.ok) {
      held.set(message.id, await tx.integrations.recordFailedAttempt(claim, settlement));
      continue;
    }
    if (settlement.refundedPaymentId)
      await tx.integrations.markPaymentRefunded(settlement.refundedPaymentId, at);
    delivered.push({ ...claim, doneAt: at, statusCode: settlement.statusCode });
  }
  for (const id of await tx.integrations.recordDelivered(delivered)) held.set(id, true);
  return attempted.map(({ message }) => held.get(message.id) === true);
}

/** A delivery made in a batch, to record at the batch's end. */
interface Attempt {
  message: OutboxMessage;
  settlement: Settlement;
  /** When its delivery ended. */
  at: number;
}

/**
 * Delivers what was due when it started, oldest first, up to `limit` messages: done on success;
 * otherwise retried with exponential backoff (base × 2^(attempt − 1), at most an hour) until the
 * kind's attempt limit, then failed.
 *
 * Messages go in batches of up to BATCH_SIZE, claimed by one claimDue (a conditional update in a
 * transaction; on PostgreSQL rows another holds are skipped), so dispatchers in several processes
 * never send one message at the same time; a claim held by a process that died lapses after
 * CLAIM_LEASE_MS. A batch's messages are delivered one after another in the order claimed (messages
 * queued in one millisecond go out in queue order), and their outcomes are recorded together in one
 * transaction at the batch's end, which also claims the next batch. A delivery starts only while
 * LONGEST_DELIVERY_MS and RECORD_MARGIN_MS of the batch's lease are left; the messages a batch did
 * not reach are released in that transaction (pending and due as before their claim) and the run
 * ends, so the next run sends them.
 *
 * Delivery is at least once: a process killed mid-batch has recorded nothing of the batch, so the
 * messages it delivered (like a crash between a delivery and its record) are delivered again once
 * the lease lapses, with those it had not reached. A delivery that throws (not a failed delivery:
 * an error reading its webhook) ends the run once the batch's other outcomes are recorded; its own
 * message stays claimed until the lease lapses.
 */
export async function deliverDueMessages(
  deps: OutboxDeliveryDeps,
  limit = 50,
): Promise<{ delivered: number; failed: number }> {
  // A message that fails now is due again later than this, so one run never retries it twice.
  const dueBy = deps.clock.now();
  const claimBatch = async (tx: Stores, size: number) => {
    const leaseUntil = deps.clock.now() + CLAIM_LEASE_MS;
    const messages = size > 0 ? await tx.integrations.claimDue({ dueBy, leaseUntil, limit: size }) : [];
    return { messages, leaseUntil, full: messages.length === size };
  };
  let delivered = 0;
  let failed = 0;
  let taken = 0;
  let batch = await deps.engine.transaction((tx) => claimBatch(tx, Math.min(BATCH_SIZE, limit)));
  while (batch.messages.length > 0) {
    const attempted: Attempt[] = [];
    let thrown: { error: unknown } | undefined;
    for (const message of batch.messages) {
      if (batch.leaseUntil - deps.clock.now() < LONGEST_DELIVERY_MS + RECORD_MARGIN_MS) break;
      try {
        const settlement = settlementOf(deps, message, await deliver(deps, message));
        attempted.push({ message, settlement, at: deps.clock.now() });
      } catch (error) {
        thrown = { error };
        break;
      }
    }
    taken += attempted.length;
    // Not reached: given back. (The message whose delivery threw is neither: its claim lapses.)
    const unreached = batch.messages.slice(attempted.length + (thrown ? 1 : 0));
    // The next batch, unless the run ends here: a batch stopped short, or one smaller than asked
    // for (nothing more was due then), or `limit` reached.
    const nextSize = unreached.length > 0 || thrown || !batch.full ? 0 : Math.min(BATCH_SIZE, limit - taken);
    const outcome = await deps.engine.transaction(async (tx) => {
      const held = await recordBatch(tx, attempted);
      const released = await tx.integrations.releaseClaims(
        unreached.map(({ id, attempts, dueAt }) => ({ id, attempts, dueAt })),
      );
      return { held, released, next: await claimBatch(tx, nextSize) };
    });
    attempted.forEach(({ message, settlement }, i) => {
      const held = outcome.held[i] === true;
      // The claim lapsed mid-batch and another dispatcher took the message over: its record stands.
      if (!held)
        deps.logger.warn(
          { outbox: message.id, kind: message.kind },
          'outbox claim lapsed before delivery ended',
        );
      if (settlement.ok) delivered += 1;
      else if (settlement.giveUp && held) failed += 1;
    });
    if (unreached.length > 0)
      deps.logger.warn(
        {
          released: outcome.released,
          unreached: unreached.length,
          reason: thrown ? 'a delivery threw' : 'too little of the lease left',
        },
        'outbox batch stopped early: the messages not reached were released',
      );
    if (thrown) throw thrown.error;
    batch = outcome.next;
  }
  return { delivered, failed };
}
