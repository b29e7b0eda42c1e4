import { dirname, join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestClient, newAccount, rawRequest } from '../helpers/client.js';
import { TEST_ENGINE } from '../helpers/database.js';
import { errorOf } from '../helpers/errors.js';
import { ADDRESS, customer, idempotencyKey, setupShop } from '../helpers/shop.js';
import { makeWritable, mountTmpfs, readOnlyView } from '../helpers/small-fs.js';
import { test } from '../helpers/test.js';

/**
 * A server started on a database it can only read (a read-only filesystem here; a file without
 * write permission for its user does the same): reads answer, every write answers 503
 * TEMPORARILY_UNAVAILABLE, /readyz answers 503 and the log says why. SQLite opened the file
 * read-only and cannot upgrade that connection, so once write access is back a restart serves it.
 */
const mounted = mountTmpfs(4 * 1024 * 1024);
const skip = 'skip' in mounted ? mounted.skip : null;
const SETTINGS = { READINESS_CACHE_MS: '0', STORAGE_MIN_FREE_BYTES: String(64 * 1024) };
afterAll(() => {
  if ('dir' in mounted) mounted.unmount();
});

/**
 * `writer`: an app on the database file in the small filesystem (another process that has the file
 * open read-write, keeping its -wal and -shm); `shop`: set up through the writer. `view`: a read-only
 * view of that filesystem, where `app` opens the same file. `restart()`: a new app on the view, as a
 * restarted server; each is closed before the view is unmounted.
 */
const it = test
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('writer', async ({}, { onCleanup }) => {
    if (!('dir' in mounted)) throw new Error(`no small filesystem: ${mounted.skip}`);
    const writer = await createTestApp({ DATABASE_PATH: join(mounted.dir, 'shop.db') });
    onCleanup(() => writer.close());
    return writer;
  })
  .override('shop', async ({ writer }) => setupShop(writer))
  .extend('view', async ({ writer }, { onCleanup }) => {
    const view = readOnlyView(dirname(writer.deps.config.DATABASE_PATH));
    onCleanup(() => view.unmount());
    return view;
  })
  .override('env', async ({ view }) => ({ DATABASE_PATH: join(view.dir, 'shop.db'), ...SETTINGS }))
  .extend('restart', async ({ view }, { onCleanup }) => {
    const started: TestApp[] = [];
    onCleanup(() => Promise.all(started.map((app) => app.close())).then(() => {}));
    return async () => {
      const app = await createTestApp({ DATABASE_PATH: join(view.dir, 'shop.db'), ...SETTINGS });
      started.push(app);
      return app;
    };
  });

// SQLite-only by nature (its file, WAL and locks); a TEST_ENGINE=postgres run skips it (it would run
// on SQLite again: DATABASE_PATH keeps SQLite).
describe.skipIf(skip || TEST_ENGINE === 'postgres')(
  `a read-only database${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    it('answers reads, refuses every write with 503, and /readyz is 503 with the reason logged', async ({
      app,
      writer,
      shop,
      view,
      restart,
    }) => {
      const { client: writerClient } = await customer(writer);
      await writerClient.cart.addItem.mutate({ variantId: shop.white, quantity: 1 });
      const client = createTestClient(app, { jar: writerClient.jar });
      const admin = createTestClient(app, { jar: shop.admin.jar });

      expect((await client.cart.get.query()).items).toHaveLength(1);
      expect((await client.auth.me.query())?.email).toBeTruthy();
      const calls = {
        placeOrder: () =>
          client.checkout.placeOrder.mutate({
            idempotencyKey: idempotencyKey(),
            shippingAddress: ADDRESS,
            shippingOptionId: shop.standard.id,
          }),
        addItem: () => client.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 }),
        signUp: () => createTestClient(app).auth.signUp.mutate(newAccount()),
        setTax: () => admin.admin.tax.set.mutate({ country: 'CA', rateBps: 500 }),
      };
      for (const [name, call] of Object.entries(calls)) {
        const refused = await errorOf(call());
        expect({ name, ...refused.data }).toMatchObject({
          name,
          httpStatus: 503,
          reason: 'TEMPORARILY_UNAVAILABLE',
        });
      }
      expect((await rawRequest(app, '/readyz')).status).toBe(503);
      const notReady = app.logs.find((line) => line.msg === 'not ready: writes cannot succeed');
      expect(String(notReady?.problem)).toContain('SQLITE_READONLY');

      // Write access comes back: this connection stays read-only; a restarted server writes.
      makeWritable(view);
      expect((await rawRequest(app, '/readyz')).status).toBe(503);
      await app.close();
      const again = await restart();
      expect((await rawRequest(again, '/readyz')).status).toBe(200);
      const restarted = createTestClient(again, { jar: writerClient.jar });
      await restarted.cart.addItem.mutate({ variantId: shop.lampVariant, quantity: 1 });
      expect((await restarted.cart.get.query()).items).toHaveLength(2);
    });
  },
);
