import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import { type Clock, manualClock } from '../../server/clock.js';
import { openConfiguredDatabase } from '../../server/database.js';
import type { Mailer } from '../../server/integrations/mail/mailer.js';
import { CLAIM_LEASE_MS, LONGEST_DELIVERY_MS } from '../../server/services/integrations/dispatch.js';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import { runExclusive } from '../../server/services/integrations/singleton-job.js';
import { createTestApp } from '../helpers/app.js';
import { TEST_ENGINE, tableRows } from '../helpers/database.js';
import { queueMails, recordingDispatcher } from '../helpers/outbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A test app on the run's engine, closed after the test. */
async function testApp(env: Record<string, string> = {}) {
  const app = await createTestApp(env);
  cleanups.push(() => app.close());
  return app;
}

/**
 * Two engines on one database, as two processes (WORKERS) hold them: two connections to one SQLite
 * file, or, with TEST_ENGINE=postgres, two pools on the test app's PostgreSQL database.
 */
async function twoProcessesOnOneDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'backroom-outbox-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const app = await testApp(TEST_ENGINE === 'postgres' ? {} : { DATABASE_PATH: join(dir, 'shop.db') });
  const second = await openConfiguredDatabase(app.deps.config, { migrate: false, onIdleError: () => {} });
  cleanups.push(() => second.close());
  return [app.deps.engine, second.engine] as const;
}

describe('the outbox dispatcher claims before it sends', () => {
  it('two dispatchers on one database send every message once between them', async () => {
    const [one, two] = await twoProcessesOnOneDatabase();
    const clock = manualClock();
    const ids = await queueMails(one, 23, clock.now());
    const sent: string[] = [];
    const [a, b] = await Promise.all([
      deliverDueMessages(recordingDispatcher(one, clock, sent)),
      deliverDueMessages(recordingDispatcher(two, clock, sent)),
    ]);
    expect([...sent].sort()).toEqual([...ids].sort());
    // Both took part (the claims interleaved), and together they delivered each message once.
    expect(a.delivered).toBeGreaterThan(0);
    expect(b.delivered).toBeGreaterThan(0);
    expect(a.delivered + b.delivered).toBe(23);
    expect(await deliverDueMessages(recordingDispatcher(two, clock, sent))).toEqual({
      delivered: 0,
      failed: 0,
    });
  });

  it('leaves a message claimed by a dispatcher that died alone until its lease lapses, then sends it', async () => {
    const app = await testApp();
    const { engine } = app.deps;
    const clock = manualClock();
    const [id] = await queueMails(engine, 1, clock.now());
    // A process claims the message, then dies before it could send it or record anything.
    const dying = await engine.transaction((tx) =>
      tx.integrations.claimDue({ dueBy: clock.now(), leaseUntil: clock.now() + CLAIM_LEASE_MS, limit: 5 }),
    );
    expect(dying.map((message) => message.id)).toEqual([id]);

    const sent: string[] = [];
    const dispatcher = recordingDispatcher(engine, clock, sent);
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 0, failed: 0 });
    clock.advance(CLAIM_LEASE_MS - 1);
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 0, failed: 0 });
    clock.advance(1);
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 1, failed: 0 });
    expect(sent).toEqual([id]);
    expect(await tableRows(app, 'outboxMessage')).toMatchObject([{ status: 'done', attempts: 2 }]);
  });

  it('runs a singleton job inside one transaction and hands back its result', async () => {
    const { engine } = (await testApp()).deps;
    expect(
      await runExclusive(engine, 'cleanup', async (tx) => (await tx.integrations.listWebhooks()).length),
    ).toEqual({
      ran: true,
      result: 0,
    });
  });
});

/** A dispatcher on `engine` whose mailer hands each message's id to `send` (which may take its time). */
function dispatcherSending(engine: Engine, clock: Clock, send: (messageId: string) => Promise<void>) {
  const mailer: Mailer = {
    destination: 'memory',
    send: (_mail, messageId) => send(messageId),
    close: () => {},
  };
  return { ...recordingDispatcher(engine, clock, []), mailer };
}

describe('the outbox dispatcher works in batches', () => {
  it('claims ten at a time, sends them in queue order and records each batch at its end', async () => {
    const app = await testApp();
    const clock = manualClock();
    const ids = await queueMails(app.deps.engine, 25, clock.now()); // one millisecond: queue order is id order
    const sent: string[] = [];
    /** At each send, the messages claimed and not yet recorded: the batch under way. */
    const underWay: string[][] = [];
    const dispatcher = dispatcherSending(app.deps.engine, clock, async (messageId) => {
      const rows = await tableRows(app, 'outboxMessage');
      underWay.push(
        rows
          .filter((row) => row.status === 'pending' && row.attempts === 1)
          .map((row) => row.id)
          .sort(),
      );
      sent.push(messageId);
    });
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 25, failed: 0 });
    expect(sent).toEqual(ids);
    const batches = underWay.filter((batch, i) => i === 0 || batch.join() !== underWay[i - 1]?.join());
    expect(batches).toEqual([ids.slice(0, 10), ids.slice(10, 20), ids.slice(20)]);
    expect(underWay.map((batch) => batch.length)).toEqual([
      ...Array<number>(10).fill(10),
      ...Array<number>(10).fill(10),
      ...Array<number>(5).fill(5),
    ]);
    const rows = await tableRows(app, 'outboxMessage');
    expect(rows.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 0, failed: 0 });
  });

  it('stops a batch whose lease runs short and gives back the messages it did not reach', async () => {
    const app = await testApp();
    const clock = manualClock();
    const queuedAt = clock.now();
    const ids = await queueMails(app.deps.engine, 12, queuedAt);
    const sent: string[] = [];
    let sendMs = 15_000;
    const dispatcher = dispatcherSending(app.deps.engine, clock, async (messageId) => {
      clock.advance(sendMs);
      sent.push(messageId);
    });
    // 30 s of lease: the first send leaves 15 s, the second none, less than a delivery may take.
    expect(CLAIM_LEASE_MS - 2 * sendMs).toBeLessThan(LONGEST_DELIVERY_MS);
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 2, failed: 0 });
    expect(sent).toEqual(ids.slice(0, 2));
    const byId = new Map((await tableRows(app, 'outboxMessage')).map((row) => [row.id, row]));
    for (const id of ids.slice(0, 2)) expect(byId.get(id)).toMatchObject({ status: 'done', attempts: 1 });
    // The eight claimed and not reached are as the two never claimed: pending, due, never attempted.
    for (const id of ids.slice(2))
      expect(byId.get(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: queuedAt });

    sendMs = 0;
    expect(await deliverDueMessages(dispatcher)).toEqual({ delivered: 10, failed: 0 });
    expect(sent).toEqual(ids);
    const rows = await tableRows(app, 'outboxMessage');
    expect(rows.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
  });

  it('sends again, once the lease lapses, a batch whose dispatcher died before recording it', async () => {
    const app = await testApp();
    const { engine } = app.deps;
    const clock = manualClock();
    const ids = await queueMails(engine, 10, clock.now());
    const sent: string[] = [];
    // This dispatcher sends three messages, then hangs for good: a process killed mid-batch.
    const dying = dispatcherSending(engine, clock, async (messageId) => {
      if (sent.length === 3) await new Promise<never>(() => {});
      sent.push(messageId);
    });
    void deliverDueMessages(dying);
    await expect.poll(() => sent.length).toBe(3);

    const survivor = recordingDispatcher(engine, clock, sent);
    expect(await deliverDueMessages(survivor)).toEqual({ delivered: 0, failed: 0 });
    clock.advance(CLAIM_LEASE_MS);
    expect(await deliverDueMessages(survivor)).toEqual({ delivered: 10, failed: 0 });
    // At least once: the three sent before the crash go out again, then nothing is left.
    expect(sent).toEqual([...ids.slice(0, 3), ...ids]);
    const rows = await tableRows(app, 'outboxMessage');
    expect(rows.every((row) => row.status === 'done' && row.attempts === 2)).toBe(true);
  });
});
