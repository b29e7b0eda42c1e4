import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import type { ClaimedOutboxMessage, IntegrationStore } from '../stores/integrations.js';
import type { Executor } from './client.js';
import { preparedQuery } from './prepared.js';
import { outboxMessage, payment, webhook } from './schema/index.js';

/** Shared with the legacy synchronous enqueue (server/services/integrations/legacy-sqlite.ts). */
export const outboxInsertQuery = (db: Executor) =>
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

export const webhookSubscriptionsQuery = (db: Executor) =>
  db.select({ id: webhook.id, events: webhook.events }).from(webhook).orderBy(asc(webhook.id)).prepare();

const webhookExistsQuery = (db: Executor) =>
  db
    .select({ id: webhook.id })
    .from(webhook)
    .where(eq(webhook.id, sql.placeholder('id')))
    .prepare();

const dueIdsQuery = (db: Executor) =>
  db
    .select({ id: outboxMessage.id, dueAt: outboxMessage.nextAttemptAt })
    .from(outboxMessage)
    .where(
      and(eq(outboxMessage.status, 'pending'), lte(outboxMessage.nextAttemptAt, sql.placeholder('dueBy'))),
    )
    .orderBy(asc(outboxMessage.nextAttemptAt), asc(outboxMessage.createdAt), asc(outboxMessage.id))
    .limit(sql.placeholder('limit'))
    .prepare();

/** Conditional: a message another process claimed meanwhile (its lease is later than dueBy) is left. */
const claimQuery = (db: Executor) =>
  db
    .update(outboxMessage)
    .set({
      nextAttemptAt: sql`${sql.placeholder('leaseUntil')}`,
      attempts: sql`${outboxMessage.attempts} + 1`,
    })
    .where(
      and(
        eq(outboxMessage.id, sql.placeholder('id')),
        eq(outboxMessage.status, 'pending'),
        lte(outboxMessage.nextAttemptAt, sql.placeholder('dueBy')),
      ),
    )
    .returning()
    .prepare();

/** Back to as it was before the claim, while the claim is held (claimHeld's condition). */
const releaseQuery = (db: Executor) =>
  db
    .update(outboxMessage)
    .set({
      nextAttemptAt: sql`${sql.placeholder('dueAt')}`,
      attempts: sql`${outboxMessage.attempts} - 1`,
    })
    .where(
      and(
        eq(outboxMessage.id, sql.placeholder('id')),
        eq(outboxMessage.status, 'pending'),
        eq(outboxMessage.attempts, sql.placeholder('attempts')),
      ),
    )
    .prepare();

const claimHeld = (claim: { id: string; attempts: number }) =>
  and(
    eq(outboxMessage.id, claim.id),
    eq(outboxMessage.status, 'pending'),
    eq(outboxMessage.attempts, claim.attempts),
  );

/** The integrations area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteIntegrations(db: Executor): IntegrationStore {
  return {
    async enqueue(message) {
      // One writer at a time: a webhook read in this transaction is still there, but check anyway.
      if (
        message.webhookId !== null &&
        !preparedQuery(db, 'webhook-exists', webhookExistsQuery).get({ id: message.webhookId })
      ) {
        return false;
      }
      preparedQuery(db, 'outbox-insert', outboxInsertQuery).run(message);
      return true;
    },
    async webhookSubscriptions() {
      return preparedQuery(db, 'webhook-subscriptions', webhookSubscriptionsQuery).all();
    },
    async claimDue({ dueBy, leaseUntil, limit }) {
      // Inside the write transaction (BEGIN IMMEDIATE) no other process reads between select and update.
      const due = preparedQuery(db, 'outbox-due-ids', dueIdsQuery).all({ dueBy, limit });
      const claimed: ClaimedOutboxMessage[] = [];
      for (const { id, dueAt } of due) {
        const row = preparedQuery(db, 'outbox-claim', claimQuery).get({ id, dueBy, leaseUntil });
        if (row) claimed.push({ ...row, dueAt });
      }
      return claimed;
    },
    async releaseClaims(claims) {
      let released = 0;
      for (const { id, attempts, dueAt } of claims) {
        released += preparedQuery(db, 'outbox-release', releaseQuery).run({ id, attempts, dueAt }).changes;
      }
      return released;
    },
    async recordDelivered(deliveries) {
      return deliveries.flatMap(({ doneAt, statusCode, ...claim }) =>
        db
          .update(outboxMessage)
          .set({ status: 'done', doneAt, lastStatusCode: statusCode, lastError: null })
          .where(claimHeld(claim))
          .run().changes > 0
          ? [claim.id]
          : [],
      );
    },
    async recordFailedAttempt(claim, facts) {
      const result = db
        .update(outboxMessage)
        .set({
          status: facts.giveUp ? 'failed' : 'pending',
          nextAttemptAt: facts.nextAttemptAt,
          lastStatusCode: facts.statusCode,
          lastError: facts.error,
        })
        .where(claimHeld(claim))
        .run();
      return result.changes > 0;
    },
    async markPaymentRefunded(paymentId, now) {
      db.update(payment)
        .set({ status: 'refunded', updatedAt: now })
        .where(and(eq(payment.id, paymentId), eq(payment.status, 'succeeded')))
        .run();
    },
    async insertWebhook(row) {
      db.insert(webhook).values(row).run();
    },
    async findWebhook(id) {
      return db.select().from(webhook).where(eq(webhook.id, id)).get();
    },
    async listWebhooks() {
      return db.select().from(webhook).orderBy(desc(webhook.createdAt), desc(webhook.id)).all();
    },
    async deleteWebhook(id) {
      return db.delete(webhook).where(eq(webhook.id, id)).run().changes > 0;
    },
    async webhookDeliveries(webhookId, limit) {
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
        .all();
    },
    async holdJobLock() {
      return true;
    },
  };
}
