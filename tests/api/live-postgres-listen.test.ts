import { describe, expect } from 'vitest';
import { TEST_ENGINE } from '../helpers/database.js';
import { collect, createLiveClient } from '../helpers/live-client.js';
import { withClient } from '../helpers/postgres.js';
import { eventually } from '../helpers/receivers.js';
import { test as it } from '../helpers/test.js';

type Stock = { productId: string; variantId: string; available: number };

/** The server processes of this app's database that LISTEN for live events. */
async function listeners(url: string): Promise<number[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN backroom_events' AND pid <> pg_backend_pid()",
    );
    return rows.map((row) => row.pid);
  });
}

/** Reads until `done` holds (at most 10 s), then returns the last reading. */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 200 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe.skipIf(TEST_ENGINE !== 'postgres')('live updates: the PostgreSQL LISTEN connection', () => {
  it('is one dedicated connection; when it is lost, a new one replaces it and no event is lost', async ({
    app,
    shop,
  }) => {
    const url = app.deps.config.DATABASE_URL ?? '';
    const live = createLiveClient(await app.url());
    const stream = collect<Stock>((h) => live.catalog.watchStock.subscribe({ productIds: [shop.mug.id] }, h));
    await eventually(() => app.deps.live.bus.size === 1);
    const [first] = await listeners(url);
    expect(first).toBeDefined();

    await withClient(url, (client) => client.query('SELECT pg_terminate_backend($1)', [first]));
    // Changed while the connection is down or coming back: the new one reads from the last id.
    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.white, delta: -1, reason: 'lost' });
    await stream.waitFor(1);
    const replaced = await settled(
      () => listeners(url),
      (pids) => pids.length === 1 && pids[0] !== first,
    );
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).not.toBe(first);

    await shop.admin.admin.inventory.adjust.mutate({ variantId: shop.white, delta: -1, reason: 'after' });
    const events = await stream.waitFor(2);
    expect(events.map((e) => e.data.available)).toEqual([9, 8]);
    stream.stop();
    await eventually(() => app.deps.live.bus.size === 0);
    // The last subscriber gone, the process closes its LISTEN connection.
    expect(
      await settled(
        () => listeners(url),
        (pids) => pids.length === 0,
      ),
    ).toEqual([]);
  });
});
