import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import { openPostgres, type PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { migratePostgres } from '../../db/postgres/migrate.js';
import { outboxMessage } from '../../db/postgres/schema/index.js';
import { manualClock } from '../../server/clock.js';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import { runExclusive } from '../../server/services/integrations/singleton-job.js';
import { queueMails, recordingDispatcher } from '../helpers/outbox.js';
import {
  createTestDatabase,
  logIdleError,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

/** A promise to wait on and the function that settles it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe.skipIf(unavailable)(
  suiteTitle('the outbox and singleton jobs across PostgreSQL processes', unavailable),
  () => {
    let database: TestDatabase;
    const handles: PostgresHandle[] = [];
    /** Two engines on two pools: what two API processes on two hosts hold. */
    let one: Engine;
    let two: Engine;

    beforeAll(async () => {
      database = await createTestDatabase();
      for (let i = 0; i < 2; i++) {
        handles.push(await openPostgres(database.url, { poolSize: 4, onIdleError: logIdleError }));
      }
      const [first, second] = handles;
      if (!first || !second) throw new Error('two pools expected');
      await migratePostgres(first.pool);
      one = createPostgresEngine(first);
      two = createPostgresEngine(second);
    });
    afterAll(async () => {
      for (const handle of handles) await handle.close();
      await database?.drop();
    });

    it('two dispatchers send every message once between them', async () => {
      const clock = manualClock();
      const ids = await queueMails(one, 37, clock.now());
      const sent: string[] = [];
      const [a, b] = await Promise.all([
        deliverDueMessages(recordingDispatcher(one, clock, sent)),
        deliverDueMessages(recordingDispatcher(two, clock, sent)),
      ]);
      expect([...sent].sort()).toEqual([...ids].sort());
      expect(a.delivered).toBeGreaterThan(0);
      expect(b.delivered).toBeGreaterThan(0);
      expect(a.delivered + b.delivered).toBe(37);
      const [first] = handles;
      const statuses = await first?.db.selectDistinct({ status: outboxMessage.status }).from(outboxMessage);
      expect(statuses).toEqual([{ status: 'done' }]);
    });

    it('runs a singleton job in one process at a time; the others skip their turn', async () => {
      const inside = gate();
      const release = gate();
      const holder = runExclusive(one, 'order-expiry', async (tx) => {
        inside.open();
        await release.opened; // (a test only: a job's work awaits nothing but its stores)
        return (await tx.integrations.listWebhooks()).length;
      });
      await inside.opened;
      expect(await runExclusive(two, 'order-expiry', async () => 'ran')).toEqual({ ran: false });
      expect(await runExclusive(two, 'cleanup', async () => 'ran')).toEqual({ ran: true, result: 'ran' });
      release.open();
      expect(await holder).toEqual({ ran: true, result: 0 });
      // The lock went with the transaction.
      expect(await runExclusive(two, 'order-expiry', async () => 'ran')).toEqual({
        ran: true,
        result: 'ran',
      });
    });

    it('drops a webhook delivery whose webhook is deleted meanwhile, and the change that queued it commits', async () => {
      const row = {
        id: 'wh-race',
        url: 'https://x.example/hook',
        events: '["order.paid"]',
        secret: 's',
        createdAt: 1,
      };
      await one.transaction((tx) => tx.integrations.insertWebhook(row));
      const deleted = gate();
      const commitDelete = gate();
      const deleting = one.transaction(async (tx) => {
        const gone = await tx.integrations.deleteWebhook(row.id);
        deleted.open();
        await commitDelete.opened;
        return gone;
      });
      await deleted.opened;
      const queueing = two.transaction(async (tx) => {
        const [subscription] = await tx.integrations.webhookSubscriptions(); // still there for this one
        const queued = await tx.integrations.enqueue({
          id: 'm-race',
          kind: 'webhook',
          payload: '{}',
          webhookId: subscription?.id ?? 'none',
          event: 'order.paid',
          createdAt: 1,
        });
        return { saw: subscription?.id, queued };
      });
      // The enqueue now waits for the delete; once that commits, it finds no webhook and queues nothing.
      setTimeout(() => commitDelete.open(), 50);
      expect(await deleting).toBe(true);
      expect(await queueing).toEqual({ saw: 'wh-race', queued: false });
      const [first] = handles;
      expect(await first?.db.select().from(outboxMessage).where(eq(outboxMessage.id, 'm-race'))).toEqual([]);
    });
  },
);
