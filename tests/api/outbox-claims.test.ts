import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { outboxMessage } from '../../db/sqlite/schema/index.js';
import { manualClock } from '../../server/clock.js';
import { CLAIM_LEASE_MS } from '../../server/services/integrations/dispatch.js';
import { deliverDueMessages } from '../../server/services/integrations/outbox.js';
import { runExclusive } from '../../server/services/integrations/singleton-job.js';
import { queueMails, recordingDispatcher } from '../helpers/outbox.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Two connections to one database file, as two processes (WORKERS) hold them. */
function twoProcessesOnOneFile() {
  const dir = mkdtempSync(join(tmpdir(), 'backroom-outbox-'));
  const first = openDatabase(join(dir, 'shop.db'));
  const second = openDatabase(join(dir, 'shop.db'));
  cleanups.push(() => {
    second.close();
    first.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return [createSqliteEngine(first), createSqliteEngine(second)] as const;
}

describe('the outbox dispatcher claims before it sends', () => {
  it('two dispatchers on one SQLite file send every message once between them', async () => {
    const [one, two] = twoProcessesOnOneFile();
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
    const database = openDatabase(':memory:');
    cleanups.push(() => database.close());
    const engine = createSqliteEngine(database);
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
    expect(database.db.select().from(outboxMessage).get()).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('runs a singleton job inside one transaction and hands back its result', async () => {
    const database = openDatabase(':memory:');
    cleanups.push(() => database.close());
    const engine = createSqliteEngine(database);
    expect(
      await runExclusive(engine, 'cleanup', async (tx) => (await tx.integrations.listWebhooks()).length),
    ).toEqual({
      ran: true,
      result: 0,
    });
  });
});
