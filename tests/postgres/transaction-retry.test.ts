import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PostgresHandle, sqlState } from '../../db/postgres/client.js';
import { taxRate } from '../../db/postgres/schema/index.js';
import { type PgTx, runTransaction } from '../../db/postgres/transaction.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();

/** A promise both sides wait on, released once both have arrived. */
function barrier(parties: number) {
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) release();
    return all;
  };
}

describe.skipIf(unavailable)(
  suiteTitle('PostgreSQL transactions retried on deadlock and serialization failure', unavailable),
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
    beforeEach(async () => {
      await handle.db.delete(taxRate);
      await handle.db.insert(taxRate).values([
        { country: 'AA', rateBps: 0, updatedAt: 0 },
        { country: 'BB', rateBps: 0, updatedAt: 0 },
      ]);
    });

    const bump = (tx: PgTx, country: string) =>
      tx
        .update(taxRate)
        .set({ rateBps: sql`${taxRate.rateBps} + 1` })
        .where(eq(taxRate.country, country));
    /** Two transactions touching AA and BB in opposite orders, each waiting for the other in between. */
    const crossed = (run: (work: (tx: PgTx) => Promise<void>) => Promise<void>) => {
      const meet = barrier(2);
      const side = (first: string, second: string) => (tx: PgTx) =>
        (async () => {
          await bump(tx, first);
          await meet();
          await bump(tx, second);
        })();
      return Promise.allSettled([run(side('AA', 'BB')), run(side('BB', 'AA'))]);
    };
    const rates = async () =>
      Object.fromEntries((await handle.db.select().from(taxRate)).map((r) => [r.country, r.rateBps]));

    it('without the runner, rows touched in opposite orders deadlock and one transaction fails (40P01)', async () => {
      const results = await crossed((work) => handle.db.transaction(work));
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.status === 'rejected' ? sqlState(failed[0].reason) : undefined).toBe('40P01');
    });

    it('with the runner, the deadlocked transaction runs again and both effects land once', async () => {
      const retries: string[] = [];
      const results = await crossed((work) =>
        runTransaction(handle.db, work, { onRetry: (code) => retries.push(code) }),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(retries).toEqual(['40P01']);
      expect(await rates()).toEqual({ AA: 2, BB: 2 });
    });

    it('retries a serialization failure under REPEATABLE READ (40001)', async () => {
      const retries: string[] = [];
      let attempts = 0;
      await runTransaction(
        handle.db,
        async (tx) => {
          attempts += 1;
          await tx.select().from(taxRate); // takes the snapshot
          // Another connection changes the row after the snapshot, the first time only.
          if (attempts === 1)
            await handle.db.update(taxRate).set({ rateBps: 50 }).where(eq(taxRate.country, 'AA'));
          await bump(tx, 'AA');
        },
        { isolationLevel: 'repeatable read', onRetry: (code) => retries.push(code) },
      );
      expect(retries).toEqual(['40001']);
      expect((await rates()).AA).toBe(51);
    });

    it('does not retry other errors, and gives up after the last attempt', async () => {
      let runs = 0;
      const violation = runTransaction(handle.db, async (tx) => {
        runs += 1;
        await tx.update(taxRate).set({ rateBps: -1 }).where(eq(taxRate.country, 'AA'));
      });
      await expect(violation).rejects.toSatisfy((error) => sqlState(error) === '23514');
      expect(runs).toBe(1);

      let tries = 0;
      const always = runTransaction(
        handle.db,
        async (tx) => {
          tries += 1;
          await tx.execute(sql`SELECT 1`);
          throw Object.assign(new Error('simulated'), { code: '40001' });
        },
        { attempts: 3 },
      );
      await expect(always).rejects.toThrow('simulated');
      expect(tries).toBe(3);
    });
  },
);
