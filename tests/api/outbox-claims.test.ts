import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../server/clock.js';
import { openConfiguredDatabase } from '../../server/database.js';
import { CLAIM_LEASE_MS } from '../../server/services/integrations/dispatch.js';
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
