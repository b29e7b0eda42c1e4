import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import * as pgSchema from '../../db/postgres/schema/index.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import * as liteSchema from '../../db/sqlite/schema/index.js';
import type {
  ClaimedOutboxMessage,
  NewOutboxMessage,
  OutboxMessage,
  WebhookRow,
} from '../../db/stores/integrations.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

/** One customer with an order paid (its payment succeeded) and one awaiting payment: rows the same on both engines. */
const USER = {
  id: 'user-1',
  email: 'ann@example.com',
  name: 'Ann',
  passwordHash: 'x',
  createdAt: 1,
  updatedAt: 1,
};
const order = (id: string, number: number) => ({
  id,
  number,
  userId: USER.id,
  email: USER.email,
  status: 'paid' as const,
  currency: 'USD',
  subtotal: 1000,
  shippingOptionId: 'ship',
  shippingName: 'Post',
  shippingPrice: 0,
  tax: 0,
  total: 1000,
  shippingAddress: '{}',
  createdAt: 1,
  updatedAt: 1,
});
const ORDERS = [order('order-1', 1001), order('order-2', 1002)];
const PAYMENTS = [
  { id: 'pay-ok', orderId: 'order-1', provider: 'manual' as const, status: 'succeeded' as const },
  { id: 'pay-wait', orderId: 'order-2', provider: 'manual' as const, status: 'pending' as const },
].map((p) => ({ ...p, amount: 1000, currency: 'USD', createdAt: 1, updatedAt: 1 }));

const hook = (id: string, createdAt: number, events: string[]): WebhookRow => ({
  id,
  url: `https://${id}.example/hook`,
  events: JSON.stringify(events),
  secret: `whsec_${id}`,
  createdAt,
});
const message = (
  id: string,
  kind: NewOutboxMessage['kind'],
  createdAt: number,
  webhookId: string | null = null,
): NewOutboxMessage => ({
  id,
  kind,
  payload: JSON.stringify({ id }),
  webhookId,
  event: webhookId ? 'order.created' : null,
  createdAt,
});

const idsOf = (rows: OutboxMessage[]) => rows.map((row) => `${row.id}#${row.attempts}@${row.nextAttemptAt}`);
const claimsOf = (rows: ClaimedOutboxMessage[]) =>
  rows.map((row) => `${row.id}#${row.attempts}@${row.nextAttemptAt} (was due ${row.dueAt})`);

/**
 * Every method of the integrations store, in an order that exercises its rules (claims and their
 * leases, settling under a claim, refusals), recorded step by step. Both engines must give the
 * same transcript.
 */
async function transcript(engine: Engine, paymentStatuses: () => Promise<Record<string, string>>) {
  const steps: [string, unknown][] = [];
  const write = <T>(label: string, work: (s: Engine['read']) => Promise<T>) =>
    engine.transaction(work).then((value) => steps.push([label, value]));
  const read = async <T>(label: string, work: (s: Engine['read']) => Promise<T>) =>
    steps.push([label, await work(engine.read)]);

  await write('insert webhooks', async (tx) => {
    for (const row of [
      hook('wh-a', 1000, ['order.created']),
      hook('wh-b', 2000, ['order.created', 'order.paid']),
      hook('wh-c', 2000, ['order.paid']),
    ]) {
      await tx.integrations.insertWebhook(row);
    }
  });
  await read('list, newest first, ties by id', (s) => s.integrations.listWebhooks());
  await read('find', (s) => s.integrations.findWebhook('wh-b'));
  await read('find unknown', (s) => s.integrations.findWebhook('wh-none'));
  await read('subscriptions', async (s) =>
    (await s.integrations.webhookSubscriptions()).sort((a, b) => a.id.localeCompare(b.id)),
  );
  await write('enqueue (a delivery for a deleted webhook is refused)', async (tx) => [
    await tx.integrations.enqueue(message('m-mail', 'mail', 100)),
    await tx.integrations.enqueue(message('m-hook', 'webhook', 200, 'wh-a')),
    await tx.integrations.enqueue(message('m-refund', 'refund', 150)),
    await tx.integrations.enqueue(message('m-b2', 'webhook', 300, 'wh-b')),
    await tx.integrations.enqueue(message('m-b1', 'webhook', 300, 'wh-b')),
    await tx.integrations.enqueue(message('m-gone', 'webhook', 300, 'wh-gone')),
  ]);
  await write('nothing due yet', async (tx) =>
    idsOf(await tx.integrations.claimDue({ dueBy: 50, leaseUntil: 9, limit: 5 })),
  );
  await write('claim the two due first', async (tx) =>
    idsOf(await tx.integrations.claimDue({ dueBy: 1000, leaseUntil: 10_000, limit: 2 })),
  );
  await write('claimed ones are leased: the rest', async (tx) =>
    idsOf(await tx.integrations.claimDue({ dueBy: 1000, leaseUntil: 10_000, limit: 5 })),
  );
  await write('settle under the claim', async (tx) => [
    await tx.integrations.recordFailedAttempt(
      { id: 'm-mail', attempts: 1 },
      { giveUp: false, nextAttemptAt: 2000, statusCode: null, error: 'down' },
    ),
    await tx.integrations.recordFailedAttempt(
      { id: 'm-mail', attempts: 0 },
      { giveUp: true, nextAttemptAt: 0, statusCode: null, error: 'stale claim' },
    ),
    await tx.integrations.recordDelivered([{ id: 'm-refund', attempts: 1, doneAt: 500, statusCode: null }]),
    await tx.integrations.recordDelivered([{ id: 'm-refund', attempts: 1, doneAt: 600, statusCode: null }]),
    await tx.integrations.recordFailedAttempt(
      { id: 'm-hook', attempts: 1 },
      { giveUp: true, nextAttemptAt: 4000, statusCode: 410, error: 'HTTP 410' },
    ),
    await tx.integrations.recordDelivered([{ id: 'm-b1', attempts: 1, doneAt: 700, statusCode: 200 }]),
    // Several at once: a claim settled already (m-b1) and a stale one (m-b2's is at 1) record nothing.
    await tx.integrations.recordDelivered([
      { id: 'm-b1', attempts: 1, doneAt: 710, statusCode: 200 },
      { id: 'm-b2', attempts: 0, doneAt: 710, statusCode: 200 },
    ]),
    await tx.integrations.recordDelivered([]),
  ]);
  await write('leases lapse: claimed again', async (tx) =>
    idsOf(await tx.integrations.claimDue({ dueBy: 20_000, leaseUntil: 30_000, limit: 5 })),
  );
  await write('a lapsed claim no longer settles', async (tx) =>
    tx.integrations.recordDelivered([{ id: 'm-b2', attempts: 1, doneAt: 800, statusCode: 200 }]),
  );
  await write('release: held claims only', async (tx) =>
    tx.integrations.releaseClaims([
      { id: 'm-mail', attempts: 2, dueAt: 2000 },
      { id: 'm-b2', attempts: 2, dueAt: 10_000 },
      { id: 'm-hook', attempts: 1, dueAt: 200 },
      { id: 'm-refund', attempts: 0, dueAt: 150 },
    ]),
  );
  await write('released: due and counted as before their claim', async (tx) =>
    claimsOf(await tx.integrations.claimDue({ dueBy: 20_000, leaseUntil: 40_000, limit: 5 })),
  );
  await write('a stale claim is not released', async (tx) =>
    tx.integrations.releaseClaims([{ id: 'm-b2', attempts: 1, dueAt: 5 }]),
  );
  await write('nothing to release', (tx) => tx.integrations.releaseClaims([]));
  await read('deliveries of wh-a', (s) => s.integrations.webhookDeliveries('wh-a', 100));
  await read('deliveries of wh-b, newest first, ties by id', (s) =>
    s.integrations.webhookDeliveries('wh-b', 100),
  );
  await read('deliveries, limited', (s) => s.integrations.webhookDeliveries('wh-b', 1));
  await write('refund marks only a succeeded payment', async (tx) => {
    await tx.integrations.markPaymentRefunded('pay-ok', 900);
    await tx.integrations.markPaymentRefunded('pay-wait', 900);
    await tx.integrations.markPaymentRefunded('pay-none', 900);
  });
  steps.push(['payments', await paymentStatuses()]);
  await write('delete', async (tx) => [
    await tx.integrations.deleteWebhook('wh-a'),
    await tx.integrations.deleteWebhook('wh-a'),
  ]);
  await read('deliveries go with their webhook', (s) => s.integrations.webhookDeliveries('wh-a', 100));
  await write('job lock', (tx) => tx.integrations.holdJobLock('cleanup'));
  return steps;
}

/** What SQLite answers, so the comparison is not between two equally wrong transcripts. */
function expectTheRules(steps: [string, unknown][]) {
  const step = (label: string) => steps.find(([l]) => l === label)?.[1];
  expect((step('list, newest first, ties by id') as WebhookRow[]).map((row) => row.id)).toEqual([
    'wh-c',
    'wh-b',
    'wh-a',
  ]);
  expect(step('find unknown')).toBeUndefined();
  expect(step('enqueue (a delivery for a deleted webhook is refused)')).toEqual([
    true,
    true,
    true,
    true,
    true,
    false,
  ]);
  expect(step('nothing due yet')).toEqual([]);
  expect(step('claim the two due first')).toEqual(['m-mail#1@10000', 'm-refund#1@10000']);
  expect(step('claimed ones are leased: the rest')).toEqual([
    'm-hook#1@10000',
    'm-b1#1@10000',
    'm-b2#1@10000',
  ]);
  expect(step('settle under the claim')).toEqual([true, false, ['m-refund'], [], true, ['m-b1'], [], []]);
  expect(step('leases lapse: claimed again')).toEqual(['m-mail#2@30000', 'm-b2#2@30000']);
  expect(step('a lapsed claim no longer settles')).toEqual([]);
  expect(step('release: held claims only')).toBe(2);
  expect(step('released: due and counted as before their claim')).toEqual([
    'm-mail#2@40000 (was due 2000)',
    'm-b2#2@40000 (was due 10000)',
  ]);
  expect(step('a stale claim is not released')).toBe(0);
  expect(step('nothing to release')).toBe(0);
  expect(step('deliveries of wh-a')).toEqual([
    {
      id: 'm-hook',
      event: 'order.created',
      status: 'failed',
      attempts: 1,
      lastStatusCode: 410,
      lastError: 'HTTP 410',
      nextAttemptAt: 4000,
      createdAt: 200,
      doneAt: null,
    },
  ]);
  expect(
    (step('deliveries of wh-b, newest first, ties by id') as { id: string }[]).map((row) => row.id),
  ).toEqual(['m-b2', 'm-b1']);
  expect(step('payments')).toEqual({ 'pay-ok': 'refunded', 'pay-wait': 'pending' });
  expect(step('delete')).toEqual([true, false]);
  expect(step('deliveries go with their webhook')).toEqual([]);
  expect(step('job lock')).toBe(true);
}

describe.skipIf(unavailable)(
  suiteTitle('the integrations store on SQLite and on PostgreSQL', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(4));
    });
    afterAll(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('answers every method the same way on both engines', async () => {
      const lite = openDatabase(':memory:');
      try {
        lite.db.insert(liteSchema.user).values(USER).run();
        lite.db.insert(liteSchema.customerOrder).values(ORDERS).run();
        lite.db.insert(liteSchema.payment).values(PAYMENTS).run();
        const onSqlite = await transcript(createSqliteEngine(lite), async () =>
          Object.fromEntries(
            lite.db
              .select({ id: liteSchema.payment.id, status: liteSchema.payment.status })
              .from(liteSchema.payment)
              .all()
              .map((p) => [p.id, p.status]),
          ),
        );
        expectTheRules(onSqlite);

        await handle.db.insert(pgSchema.user).values(USER);
        await handle.db.insert(pgSchema.customerOrder).values(ORDERS);
        await handle.db.insert(pgSchema.payment).values(PAYMENTS);
        const onPostgres = await transcript(createPostgresEngine(handle), async () =>
          Object.fromEntries(
            (
              await handle.db
                .select({ id: pgSchema.payment.id, status: pgSchema.payment.status })
                .from(pgSchema.payment)
            ).map((p) => [p.id, p.status]),
          ),
        );
        expect(onPostgres).toEqual(onSqlite);
      } finally {
        lite.close();
      }
    });
  },
);
