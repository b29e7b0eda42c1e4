import { describe, expect, it } from 'vitest';
import { createPasswords } from '../../server/auth/passwords.js';
import { manualClock } from '../../server/clock.js';
import { testConfig } from '../../server/config.js';
import { openConfiguredDatabase } from '../../server/database.js';
import { createDeps } from '../../server/deps.js';
import { createLogger } from '../../server/logger.js';
import { TEST_PASSWORD_COST } from '../helpers/app.js';

describe('password hashing', () => {
  it('hashes with argon2id at OWASP cost (19 MiB, 2 passes, 1 lane) in the deps every server builds', async () => {
    const config = testConfig();
    const database = await openConfiguredDatabase(config, { migrate: true, onIdleError: () => {} });
    try {
      const deps = createDeps(config, database, createLogger(config), manualClock(0));
      const stored = await deps.passwords.hash('correct horse battery');
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await deps.passwords.verify(stored, 'correct horse battery')).toBe(true);
      expect(await deps.passwords.verify(stored, 'wrong horse battery')).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('takes a cheaper cost where one is injected (the tests), and still refuses unknown accounts', async () => {
    const passwords = createPasswords(TEST_PASSWORD_COST);
    const stored = await passwords.hash('a long secret');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    expect(await passwords.verify(stored, 'a long secret')).toBe(true);
    expect(await passwords.verify(null, 'a long secret')).toBe(false);
    expect(await passwords.verify('not a hash', 'a long secret')).toBe(false);
  });
});
