import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../db/sqlite/client.js';
import {
  inWriteBatch,
  MAX_BATCH,
  MAX_GATHER_TURNS,
  WriteBatchError,
  writeBatchCounters,
} from '../../db/sqlite/write-batch.js';
import { tempDir } from '../helpers/server-process.js';

let database: DatabaseHandle;
let reader: Database.Database;

beforeEach(() => {
  const path = join(tempDir(), 'batch.db');
  database = openDatabase(path, { migrate: false });
  database.sqlite.exec(`
    CREATE TABLE item (name TEXT PRIMARY KEY, stock INTEGER NOT NULL CHECK (stock >= 0)) STRICT;
    CREATE TABLE parent (id TEXT PRIMARY KEY) STRICT;
    CREATE TABLE child (parent_id TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED) STRICT;
    INSERT INTO item VALUES ('mug', 3);
    CREATE TABLE taken (who TEXT PRIMARY KEY) STRICT;
  `);
  // A second connection sees only what is committed.
  reader = new Database(path, { readonly: true });
});
afterEach(() => {
  reader.close();
  database.close();
});

const committed = () => reader.prepare('SELECT who FROM taken ORDER BY who').pluck().all();
const stockOf = (sqlite: Database.Database) =>
  sqlite.prepare("SELECT stock FROM item WHERE name = 'mug'").pluck().get();

/** Takes one mug for `who` with a conditional UPDATE, as checkout takes stock. */
function takeOne(who: string) {
  const { sqlite } = database;
  const taken = sqlite.prepare("UPDATE item SET stock = stock - 1 WHERE name = 'mug' AND stock >= 1").run();
  if (taken.changes !== 1) throw new Error(`sold out for ${who}`);
  sqlite.prepare('INSERT INTO taken VALUES (?)').run(who);
  return who;
}

describe('group commit (inWriteBatch)', () => {
  it('commits the units of one turn together, and answers none before the COMMIT', async () => {
    const before = writeBatchCounters(database.db);
    const seenInside: unknown[][] = [];
    const answers = ['a', 'b', 'c'].map((who) =>
      inWriteBatch(database.db, () => {
        const result = takeOne(who);
        seenInside.push(committed()); // another connection sees nothing of the open batch
        return result;
      }).then((value) => ({ value, visible: committed() })),
    );
    const settled = await Promise.all(answers);
    expect(seenInside).toEqual([[], [], []]);
    // Every answer came after all three were durable, not just its own.
    for (const answer of settled) expect(answer.visible).toEqual(['a', 'b', 'c']);
    expect(settled.map((a) => a.value)).toEqual(['a', 'b', 'c']);
    const after = writeBatchCounters(database.db);
    expect(after.commits - before.commits).toBe(1);
    expect(after.units - before.units).toBe(3);
  });

  it('rolls a failing unit back to its own savepoint: the others commit, it gets its own error', async () => {
    const results = await Promise.allSettled([
      inWriteBatch(database.db, () => takeOne('a')),
      inWriteBatch(database.db, () => {
        takeOne('b');
        throw new Error('changed my mind'); // after writing: its writes must vanish
      }),
      inWriteBatch(database.db, () => takeOne('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('changed my mind');
    expect(committed()).toEqual(['a', 'c']);
    expect(await stockOf(reader)).toBe(1);
  });

  it('never oversells inside a batch: conditional updates see the units before them', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((who) => inWriteBatch(database.db, () => takeOne(who))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message),
    ).toEqual(['sold out for d', 'sold out for e']);
    expect(committed()).toEqual(['a', 'b', 'c']);
    expect(await stockOf(reader)).toBe(0);
  });

  it('fails every unit of the batch, and writes nothing, when the COMMIT fails', async () => {
    const before = writeBatchCounters(database.db);
    const results = await Promise.allSettled([
      inWriteBatch(database.db, () => takeOne('a')),
      // A deferred foreign key is only checked at COMMIT, which then fails.
      inWriteBatch(database.db, () => database.sqlite.prepare("INSERT INTO child VALUES ('nobody')").run()),
      inWriteBatch(database.db, () => takeOne('c')),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(WriteBatchError);
    }
    expect(committed()).toEqual([]);
    expect(await stockOf(reader)).toBe(3);
    expect(database.sqlite.inTransaction).toBe(false);
    expect(writeBatchCounters(database.db).commits).toBe(before.commits);
    // The connection is usable again: the same work retried commits.
    expect(await inWriteBatch(database.db, () => takeOne('a'))).toBe('a');
    expect(committed()).toEqual(['a']);
  });

  it(`carries at most ${MAX_BATCH} units per commit; the rest follow in the next one`, async () => {
    database.sqlite.prepare("UPDATE item SET stock = 1000 WHERE name = 'mug'").run();
    const before = writeBatchCounters(database.db);
    const count = MAX_BATCH * 2 + 1;
    await Promise.all(
      Array.from({ length: count }, (_, i) => inWriteBatch(database.db, () => takeOne(`w${i}`))),
    );
    const after = writeBatchCounters(database.db);
    expect(after.units - before.units).toBe(count);
    expect(after.commits - before.commits).toBe(3);
    expect(committed()).toHaveLength(count);
  });

  it('keeps the batch open while each turn brings more units, so they share one commit', async () => {
    const before = writeBatchCounters(database.db);
    const first = [
      inWriteBatch(database.db, () => takeOne('a')),
      inWriteBatch(database.db, () => takeOne('b')),
    ];
    // The next turn brings one more, as requests still arriving under load would.
    const later = new Promise((resolve) =>
      setImmediate(() => resolve(inWriteBatch(database.db, () => takeOne('c')))),
    );
    expect(await Promise.all([...first, later])).toEqual(['a', 'b', 'c']);
    const after = writeBatchCounters(database.db);
    expect(after.commits - before.commits).toBe(1);
    expect(after.units - before.units).toBe(3);
  });

  it('holds a lone write no longer than its own turn', async () => {
    let answered = false;
    const write = inWriteBatch(database.db, () => takeOne('a')).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(true);
    await write;
  });

  it(`stops gathering after ${MAX_GATHER_TURNS} more turns, however steady the stream of writes`, async () => {
    database.sqlite.prepare("UPDATE item SET stock = 1000 WHERE name = 'mug'").run();
    const before = writeBatchCounters(database.db);
    const writes: Promise<string>[] = [];
    await new Promise<void>((resolve) => {
      const next = () => {
        // Two writes a turn, as a steady stream of requests read in each turn's I/O would bring.
        for (const who of [`w${writes.length}`, `w${writes.length + 1}`])
          writes.push(inWriteBatch(database.db, () => takeOne(who)));
        if (writes.length < 60) setImmediate(next);
        else resolve();
      };
      next();
    });
    await Promise.all(writes);
    const commits = writeBatchCounters(database.db).commits - before.commits;
    // 30 turns of writes: gathered into fewer commits than turns, yet flushed every few turns.
    expect(commits).toBeLessThan(30);
    expect(commits).toBeGreaterThanOrEqual(Math.ceil(30 / (MAX_GATHER_TURNS + 1)));
    expect(committed()).toHaveLength(60);
  });

  it('refuses a transaction handle', () => {
    expect(() => database.db.transaction((tx) => inWriteBatch(tx, () => 1))).toThrow(TypeError);
  });

  it('runs async units one after another, each in its own savepoint, even when one waits', async () => {
    const order: string[] = [];
    const before = writeBatchCounters(database.db);
    const results = await Promise.allSettled([
      inWriteBatch(database.db, async () => {
        order.push('a starts');
        takeOne('a');
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('a ends');
      }),
      inWriteBatch(database.db, async () => {
        order.push('b starts');
        takeOne('b');
        await Promise.resolve();
        throw new Error('b changed its mind');
      }),
      inWriteBatch(database.db, async () => {
        order.push('c starts');
        takeOne('c');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'c starts']);
    expect(committed()).toEqual(['a', 'c']);
    expect(writeBatchCounters(database.db).commits).toBe(before.commits + 1);
  });
});
