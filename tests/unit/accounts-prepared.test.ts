import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteStores } from '../../db/sqlite/stores.js';

describe('the accounts store on SQLite', () => {
  it('prepares the session lookup (every signed-in request) once per connection', async () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    const stores = createSqliteStores(db);
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@b.co', 'A', 'x', 0, 0)",
      )
      .run();
    await stores.accounts.insertSession({ id: 's1', userId: 'u1', expiresAt: 10 }, 0);
    expect((await stores.accounts.sessionWithUser('s1'))?.user.email).toBe('a@b.co');
    const original = sqlite.prepare.bind(sqlite);
    let prepares = 0;
    sqlite.prepare = ((source: string) => {
      prepares += 1;
      return original(source);
    }) as typeof sqlite.prepare;
    for (let i = 0; i < 50; i++) await stores.accounts.sessionWithUser(i % 2 ? 's1' : 'unknown');
    expect(prepares).toBe(0);
    close();
  });
});
