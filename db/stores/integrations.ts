/**
 * The integrations area's data access (the transactional outbox, merchants' webhooks, the lock of a
 * singleton job), one async method per query or write, implemented once per engine
 * (db/sqlite/integrations.ts, db/postgres/integrations.ts). Rows come back in the same shapes on both.
 */

export type OutboxKind = 'mail' | 'webhook' | 'refund';
export type OutboxStatus = 'pending' | 'done' | 'failed';

/** One message of the outbox as stored (times are epoch milliseconds). */
export interface OutboxMessage {
  id: string;
  kind: OutboxKind;
  /** JSON: the mail, the webhook body, or the refund to make. */
  payload: string;
  webhookId: string | null;
  event: string | null;
  status: OutboxStatus;
  attempts: number;
  /** When a pending message is due; while a dispatcher holds its claim, when that claim lapses. */
  nextAttemptAt: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
}

export type NewOutboxMessage = Pick<
  OutboxMessage,
  'id' | 'kind' | 'payload' | 'webhookId' | 'event' | 'createdAt'
>;

/** A merchant's endpoint; `events` is a JSON array of event names. */
export interface WebhookRow {
  id: string;
  url: string;
  events: string;
  secret: string;
  createdAt: number;
}

/** One line of a webhook's delivery log. */
export type WebhookDeliveryRow = Pick<
  OutboxMessage,
  | 'id'
  | 'event'
  | 'status'
  | 'attempts'
  | 'lastStatusCode'
  | 'lastError'
  | 'nextAttemptAt'
  | 'createdAt'
  | 'doneAt'
>;

/**
 * A dispatcher's hold on a message: its id and the attempt count the claim set. The outcome of the
 * delivery is recorded only while the count is still that one, so a dispatcher whose claim lapsed
 * (and was taken over by another) cannot overwrite what the other recorded.
 */
export interface OutboxClaim {
  id: string;
  attempts: number;
}

/**
 * A message as claimDue hands it out: `dueAt` is when it was due before the claim (its
 * `nextAttemptAt` then).
 */
export interface ClaimedOutboxMessage extends OutboxMessage {
  dueAt: number;
}

/** A claim to give back unattempted, with the due time to restore (the message's `dueAt`). */
/** A delivered message to record under its claim. */
export interface OutboxDelivered extends OutboxClaim {
  doneAt: number;
  statusCode: number | null;
}

export interface OutboxRelease extends OutboxClaim {
  dueAt: number;
}

export interface IntegrationStore {
  /**
   * Queues one message, in the caller's transaction. False (nothing queued) for a webhook delivery
   * whose webhook is gone: on PostgreSQL it may have been deleted by a transaction that committed
   * after this one read the subscriptions, and that must not fail the change being made.
   */
  enqueue(message: NewOutboxMessage): Promise<boolean>;
  /** Every webhook's id and subscribed events (JSON), in id order, to fan an event out. */
  webhookSubscriptions(): Promise<Pick<WebhookRow, 'id' | 'events'>[]>;
  /**
   * Claims up to `limit` pending messages due by `dueBy`, oldest due first (ties: created first,
   * then by id), and returns them in that order: each gets one more attempt and `nextAttemptAt =
   * leaseUntil`, so no other dispatcher takes it before the lease lapses (then it is retried: a
   * process killed mid-delivery leaves nothing stuck), and comes back with the `dueAt` it had
   * before. Call it inside a transaction: PostgreSQL skips rows another one has locked.
   */
  claimDue(request: { dueBy: number; leaseUntil: number; limit: number }): Promise<ClaimedOutboxMessage[]>;
  /**
   * Gives back claimed messages that were not attempted: each still held (pending, with the claim's
   * attempt count, as recordDelivered requires) is pending again as it was before the claim: its
   * attempt count one lower and `nextAttemptAt = dueAt`, so it keeps its place at the head of the
   * queue. A claim no longer held (it lapsed and another dispatcher took the message over) is left
   * alone. Answers how many were released.
   */
  releaseClaims(claims: OutboxRelease[]): Promise<number>;
  /**
   * Marks claimed messages done (PostgreSQL: one statement for the lot), each only while its claim
   * is held; answers the ids recorded (a claim that lapsed is left to the dispatcher that took it).
   */
  recordDelivered(deliveries: OutboxDelivered[]): Promise<string[]>;
  /** Records a failed attempt: pending again from `nextAttemptAt`, or failed for good. */
  recordFailedAttempt(
    claim: OutboxClaim,
    facts: { giveUp: boolean; nextAttemptAt: number; statusCode: number | null; error: string },
  ): Promise<boolean>;
  /** After the provider refunded it: a succeeded payment becomes refunded (any other stays). */
  markPaymentRefunded(paymentId: string, now: number): Promise<void>;

  insertWebhook(row: WebhookRow): Promise<void>;
  findWebhook(id: string): Promise<WebhookRow | undefined>;
  /** Newest first (ties: by id, descending). */
  listWebhooks(): Promise<WebhookRow[]>;
  /** False when there was no such webhook. Its deliveries go with it (foreign key cascade). */
  deleteWebhook(id: string): Promise<boolean>;
  /** A webhook's delivery log, newest first (ties: by id, descending). */
  webhookDeliveries(webhookId: string, limit: number): Promise<WebhookDeliveryRow[]>;

  /**
   * Takes the lock of the singleton job `job` for the rest of the current transaction; false when
   * another process holds it. Call it inside a transaction. PostgreSQL: a transaction-level advisory
   * lock. SQLite: always true, since a write transaction already excludes every other one on the file.
   */
  holdJobLock(job: string): Promise<boolean>;
}
