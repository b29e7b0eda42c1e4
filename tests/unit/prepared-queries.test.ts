import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { seedDemoStore } from '../../db/seed/demo.js';
import { createSession, validateSessionToken } from '../../server/auth/sessions.js';
import { cartView, ensureCart, findCart } from '../../server/services/cart.js';
import { findProduct, listProducts } from '../../server/services/catalog.js';

describe('hot queries', () => {
  it('are prepared once per database, however often they run', () => {
    const { db, sqlite, close } = openDatabase(':memory:');
    seedDemoStore(db, Date.now());
    sqlite
      .prepare(
        "INSERT INTO user (id, email, name, password_hash, created_at, updated_at) VALUES ('u1', 'a@b.co', 'A', 'x', 0, 0)",
      )
      .run();
    const { token } = createSession(db, 'u1', Date.now());
    const slug = sqlite.prepare('SELECT slug FROM product LIMIT 1').pluck().get() as string;

    ensureCart(db, { userId: 'u1' }, Date.now());
    const original = sqlite.prepare.bind(sqlite);
    let prepares = 0;
    sqlite.prepare = ((source: string) => {
      prepares += 1;
      return original(source);
    }) as typeof sqlite.prepare;
    const hotPath = () => {
      findProduct(db, { slug }, { activeOnly: true });
      listProducts(db, { limit: 20 }, 'USD');
      listProducts(db, { limit: 20, q: 'mug' }, 'USD');
      validateSessionToken(db, token, Date.now());
      cartView(db, findCart(db, { userId: 'u1' }), { now: Date.now(), currency: 'USD', userId: 'u1' });
    };
    hotPath();
    const afterFirst = prepares;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 50; i++) hotPath();
    expect(prepares).toBe(afterFirst);
    close();
  });
});
