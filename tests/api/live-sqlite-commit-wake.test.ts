import { describe, expect } from 'vitest';
import { TEST_ENGINE } from '../helpers/database.js';
import { test as it } from '../helpers/test.js';

/**
 * SQLite: a commit of this process that wrote live events wakes its bus at once (the poll is for
 * the other processes on the file). The listener runs after the COMMIT: the events are readable
 * from the read connection by then.
 */
describe.skipIf(TEST_ENGINE === 'postgres')('live updates: SQLite wakes the bus at commit', () => {
  it('calls the listener after a commit with live events, once per commit, and not for others', async ({
    app,
    shop,
    shopper,
  }) => {
    const { engine } = app.deps;
    const seen: number[] = [];
    const stop = engine.onLiveEvents(() => {
      void engine.read.live.latestId().then((id) => seen.push(id));
    });
    const before = await engine.read.live.latestId();

    await shop.admin.admin.inventory.adjust.mutate({
      variantId: shop.lampVariant,
      delta: 1,
      reason: 'count',
    });
    await shopper.cart.addItem.mutate({ variantId: shop.white, quantity: 1 }); // writes no live event
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(before);

    stop();
    await shop.admin.admin.inventory.adjust.mutate({
      variantId: shop.lampVariant,
      delta: 1,
      reason: 'count',
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
  });
});
