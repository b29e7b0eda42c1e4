import { and, asc, desc, eq, getTableColumns, lte, sql } from 'drizzle-orm';
import type { IntegrationStore, OutboxClaim } from '../stores/integrations.js';
import type { PgExecutor } from './client.js';
import { onFirstUse } from './named-statement.js';
import { outboxMessage, payment, webhook } from './schema/index.js';

/** The first key of every singleton job's advisory lock ("jobs"); migrations use another one. */
const JOB_LOCK_NAMESPACE = 0x6a6f_6273;

const claimHeld = (claim: OutboxClaim) =>
  and(
    eq(outboxMessage.id, claim.id),
    eq(outboxMessage.status, 'pending'),
    eq(outboxMessage.attempts, claim.attempts),
  );

/** The integrations area's queries on PostgreSQL. */
export function postgresIntegrations(db: PgExecutor): IntegrationStore {
  // Every order queues its mail: a statement under a name (named-statement.ts).
  const enqueueStatement = onFirstUse(() =>
    db
      .insert(outboxMessage)
      .values({
        id: sql.placeholder('id'),
        kind: sql.placeholder('kind'),
        payload: sql.placeholder('payload'),
        webhookId: null,
        event: sql.placeholder('event'),
        nextAttemptAt: sql.placeholder('createdAt'),
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare('integrations_enqueue'),
  );
  return {
    async enqueue(message) {
      if (message.webhookId === null) {
        await enqueueStatement().execute({ ...message });
        return true;
      }
      // Inserted only while its webhook exists, the webhook row share-locked so that a concurrent
      // delete waits for this transaction instead of failing its foreign key check.
      const { id, kind, payload, webhookId, event, createdAt } = message;
      const result = await db.execute(sql`
        INSERT INTO outbox_message (id, kind, payload, webhook_id, event, next_attempt_at, created_at)
        SELECT ${id}, ${kind}, ${payload}, ${webhook.id}, ${event}, ${createdAt}::bigint, ${createdAt}::bigint
        FROM ${webhook} WHERE ${webhook.id} = ${webhookId} FOR KEY SHARE`);
      return result.rowCount === 1;
    },
    async webhookSubscriptions() {
      return db
        .select({ id: webhook.id, events: webhook.events })
        .from(webhook)
        .orderBy(sql`${webhook.id} COLLATE "C"`);
    },
    async claimDue({ dueBy, leaseUntil, limit }) {
      // One statement: the oldest due rows, SKIP LOCKED (dispatchers in other processes take other
      // rows instead of waiting for these), claimed by the update that locked them.
      const due = db
        .select({ id: outboxMessage.id, dueAt: sql<number>`${outboxMessage.nextAttemptAt}`.as('due_at') })
        .from(outboxMessage)
        .where(and(eq(outboxMessage.status, 'pending'), lte(outboxMessage.nextAttemptAt, dueBy)))
        .orderBy(asc(outboxMessage.nextAttemptAt), asc(outboxMessage.createdAt), asc(outboxMessage.id))
        .limit(limit)
        .for('update', { skipLocked: true })
        .as('due');
      const claimed = await db
        .update(outboxMessage)
        .set({ nextAttemptAt: leaseUntil, attempts: sql`${outboxMessage.attempts} + 1` })
        .from(due)
        .where(eq(outboxMessage.id, due.id))
        .returning({ ...getTableColumns(outboxMessage), dueAt: due.dueAt });
      // RETURNING keeps no order: give them back oldest due first, as selected.
      return claimed.sort(
        (a, b) => a.dueAt - b.dueAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    },
    async releaseClaims(claims) {
      if (claims.length === 0) return 0;
      // One statement for the lot; each row only while its claim is held (claimHeld's condition).
      const released = claims.map(({ id, attempts, dueAt }) => ({ id, attempts, due_at: dueAt }));
      const result = await db.execute(sql`
        UPDATE ${outboxMessage} AS m
        SET attempts = m.attempts - 1, next_attempt_at = r.due_at
        FROM jsonb_to_recordset(${JSON.stringify(released)}::jsonb) AS r(id text, attempts integer, due_at bigint)
        WHERE m.id = r.id AND m.status = 'pending' AND m.attempts = r.attempts`);
      return result.rowCount ?? 0;
    },
    async recordDelivered(deliveries) {
      if (deliveries.length === 0) return [];
      // One statement for the lot; each row only while its claim is held (claimHeld's condition).
      const done = deliveries.map((d) => ({
        id: d.id,
        attempts: d.attempts,
        done_at: d.doneAt,
        status_code: d.statusCode,
      }));
      const result = await db.execute<{ id: string }>(sql`
        UPDATE ${outboxMessage} AS m
        SET status = 'done', done_at = d.done_at, last_status_code = d.status_code, last_error = NULL
        FROM jsonb_to_recordset(${JSON.stringify(done)}::jsonb)
          AS d(id text, attempts integer, done_at bigint, status_code integer)
        WHERE m.id = d.id AND m.status = 'pending' AND m.attempts = d.attempts
        RETURNING m.id`);
      return result.rows.map((row) => row.id);
    },
    async recordFailedAttempt(claim, facts) {
      const rows = await db
        .update(outboxMessage)
        .set({
          status: facts.giveUp ? 'failed' : 'pending',
          nextAttemptAt: facts.nextAttemptAt,
          lastStatusCode: facts.statusCode,
          lastError: facts.error,
        })
        .where(claimHeld(claim))
        .returning({ id: outboxMessage.id });
      return rows.length > 0;
    },
    async markPaymentRefunded(paymentId, now) {
      await db
        .update(payment)
        .set({ status: 'refunded', updatedAt: now })
        .where(and(eq(payment.id, paymentId), eq(payment.status, 'succeeded')));
    },
    async insertWebhook(row) {
      await db.insert(webhook).values(row);
    },
    async findWebhook(id) {
      const [row] = await db.select().from(webhook).where(eq(webhook.id, id));
      return row;
    },
    async listWebhooks() {
      return db.select().from(webhook).orderBy(desc(webhook.createdAt), desc(webhook.id));
    },
    async deleteWebhook(id) {
      const rows = await db.delete(webhook).where(eq(webhook.id, id)).returning({ id: webhook.id });
      return rows.length > 0;
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
        .limit(limit);
    },
    async holdJobLock(job) {
      // Held until the transaction ends, so a process that dies mid-job cannot leave it locked.
      const result = await db.execute<{ locked: boolean }>(
        sql`SELECT pg_try_advisory_xact_lock(${JOB_LOCK_NAMESPACE}, hashtext(${job})) AS locked`,
      );
      return result.rows[0]?.locked === true;
    },
  };
}
