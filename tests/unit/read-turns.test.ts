import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.js';
import { inFlightLimit, inReadTurn, MAX_WAITING } from '../../server/services/catalog/read-turns.js';

/** Counts turns of the event loop: a setImmediate that schedules itself until stopped. */
function turnCounter() {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turns,
    stop: () => {
      running = false;
    },
  };
}

describe('heavy reads take turns', () => {
  it('runs reads started together one per turn of the event loop, in order', async () => {
    const db = {};
    const counter = turnCounter();
    const seen: { read: number; turn: number }[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, read) =>
        inReadTurn(db, () => {
          seen.push({ read, turn: counter.now() });
          return read * 2;
        }),
      ),
    );
    counter.stop();
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(seen.map((s) => s.read)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]?.turn ?? 0).toBeGreaterThan(seen[i - 1]?.turn ?? 0);
    }
  });

  it('rejects only the read that throws; the queue moves on', async () => {
    const db = {};
    const failing = inReadTurn(db, () => {
      throw new Error('broken read');
    });
    const next = inReadTurn(db, () => 'fine');
    await expect(failing).rejects.toThrow('broken read');
    await expect(next).resolves.toBe('fine');
  });

  it(`refuses a read when ${MAX_WAITING} already wait (503 TEMPORARILY_UNAVAILABLE), and takes reads again once they ran`, async () => {
    const db = {};
    const waiting = Array.from({ length: MAX_WAITING }, () => inReadTurn(db, () => 1));
    let refused: unknown;
    try {
      await inReadTurn(db, () => 1);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'TEMPORARILY_UNAVAILABLE' });
    await Promise.all(waiting);
    await expect(inReadTurn(db, () => 2)).resolves.toBe(2);
  });

  it('keeps one queue per database: a busy one does not hold up another', async () => {
    const busy = {};
    const other = {};
    for (let i = 0; i < MAX_WAITING; i++) void inReadTurn(busy, () => i);
    await expect(inReadTurn(other, () => 'served')).resolves.toBe('served');
  });
});

describe('heavy reads in flight on PostgreSQL', () => {
  /** A read that stays in flight until `finish()`, recording when it started. */
  function slowRead(started: number[], id: number) {
    let finish: (value: number) => void = () => {};
    const done = new Promise<number>((resolve) => {
      finish = resolve;
    });
    return {
      read: () => {
        started.push(id);
        return done;
      },
      finish: () => finish(id),
    };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('runs at most the limit at once, the others in arrival order as slots free up', async () => {
    const db = {};
    const started: number[] = [];
    const reads = Array.from({ length: 5 }, (_, i) => slowRead(started, i));
    const results = reads.map((r) => inFlightLimit(db, 2, r.read));
    await settle();
    expect(started).toEqual([0, 1]);
    reads[1]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    reads[0]?.finish();
    reads[2]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    reads[3]?.finish();
    reads[4]?.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the slot of a read that failed to the next one', async () => {
    const db = {};
    const failing = inFlightLimit(db, 1, () => Promise.reject(new Error('broken read')));
    const next = inFlightLimit(db, 1, () => Promise.resolve('fine'));
    await expect(failing).rejects.toThrow('broken read');
    await expect(next).resolves.toBe('fine');
  });

  it(`refuses a read when ${MAX_WAITING} already wait (503 TEMPORARILY_UNAVAILABLE)`, async () => {
    const db = {};
    const started: number[] = [];
    const blocker = slowRead(started, -1);
    const first = inFlightLimit(db, 1, blocker.read);
    const waiting = Array.from({ length: MAX_WAITING }, (_, i) =>
      inFlightLimit(db, 1, () => Promise.resolve(i)),
    );
    await expect(inFlightLimit(db, 1, () => Promise.resolve(0))).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'TEMPORARILY_UNAVAILABLE',
    });
    blocker.finish();
    await Promise.all([first, ...waiting]);
    await expect(inFlightLimit(db, 1, () => Promise.resolve('again'))).resolves.toBe('again');
  });
});
