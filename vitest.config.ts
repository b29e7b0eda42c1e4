import { defineConfig } from 'vitest/config';

/**
 * Two lanes, both run by `npm test`: `fast` (unit, API and security tests, each on its own
 * in-memory database and loopback server; `npm run test:fast`) and `slow` (server processes,
 * crashes, the 100k catalogue, PostgreSQL; `npm run test:slow`), which first builds the bundle `npm start` runs.
 * Test apps run on SQLite; with TEST_ENGINE=postgres (`npm run test:postgres`) on PostgreSQL, each
 * on a database of its own copied from a template migrated once per run (tests/helpers/engine-setup.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts', 'tests/security/**/*.test.ts'],
          globalSetup: ['tests/helpers/engine-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: [
            'tests/e2e/**/*.test.ts',
            'tests/reliability/**/*.test.ts',
            'tests/postgres/**/*.test.ts',
          ],
          globalSetup: ['tests/helpers/engine-setup.ts', 'tests/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
