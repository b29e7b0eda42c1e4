import { test as base } from 'vitest';
import type { AppOptions } from '../../server/app.js';
import { createTestApp, type TestApp } from './app.js';
import { adminClient } from './catalog.js';
import { createTestClient } from './client.js';
import { setupShop } from './shop.js';

const NO_SETTINGS: Record<string, string> = {};

/**
 * `test`/`it` with the shared setup as fixtures. Each is built only when a test (or a fixture it
 * uses) names it in its destructured context, once per test, and torn down after the test whether it
 * passed or failed:
 * - `env`: settings for `app` (none by default; a suite sets its own with `it.override('env', …)`);
 * - `app`: a TestApp on `env` (fresh in-memory database, loopback server), closed after the test;
 * - `await makeApp(env, options)`: more apps with settings of their own, each closed after the test;
 * - `admin`: a client signed in as the shop's admin on `app`;
 * - `shop`: `setupShop` on `app`, done by `admin` (so `shop.admin` is `admin`);
 * - `shopper`: an anonymous client on `app` with its own cookie jar.
 */
export const test = base
  .extend('env', NO_SETTINGS)
  .extend('app', async ({ env }, { onCleanup }) => {
    const app = await createTestApp(env);
    onCleanup(() => app.close());
    return app;
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('makeApp', async ({}, { onCleanup }) => {
    const made: TestApp[] = [];
    onCleanup(() => Promise.all(made.map((app) => app.close())).then(() => {}));
    return async (env: Record<string, string> = {}, options: AppOptions = {}) => {
      const app = await createTestApp(env, options);
      made.push(app);
      return app;
    };
  })
  .extend('admin', async ({ app }) => adminClient(app))
  .extend('shop', async ({ app, admin }) => setupShop(app, admin))
  .extend('shopper', async ({ app }) => createTestClient(app));

export const it = test;
