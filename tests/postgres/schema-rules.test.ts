import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresHandle, sqlState } from '../../db/postgres/client.js';
import * as s from '../../db/postgres/schema/index.js';
import { cartItem, product, variant } from '../../db/postgres/schema/index.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

const unavailable = await postgresUnavailable();
const NOW = Date.UTC(2026, 0, 1);

/** The SQLSTATE a write fails with (undefined when it succeeds). */
async function failure(write: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    return sqlState(error);
  }
}

describe.skipIf(unavailable)(
  suiteTitle('PostgreSQL schema rules (constraints, triggers, search)', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;

    const addProduct = (id: string, name: string, description: string) =>
      handle.db
        .insert(product)
        .values({ id, slug: id, name, description, status: 'active', createdAt: NOW, updatedAt: NOW })
        .returning({ seq: product.seq });
    const addVariant = (id: string, productId: string, sku: string, price: number, stock: number) =>
      handle.db
        .insert(variant)
        .values({ id, productId, sku, name: id, price, stock, createdAt: NOW, updatedAt: NOW });

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(2));
      await addProduct('p-lamp', 'Crème Desk Lamp', 'A warm light for late work');
      await addVariant('v-lamp-s', 'p-lamp', 'LAMP-S', 2500, 4);
      await addVariant('v-lamp-l', 'p-lamp', 'LAMP-L', 3900, 6);
    });
    afterAll(async () => {
      await handle?.close();
      await database?.drop();
    });

    it('refuses negative stock, negative money, a zero quantity and a dangling reference', async () => {
      expect(
        await failure(() => handle.db.update(variant).set({ stock: -1 }).where(eq(variant.id, 'v-lamp-s'))),
      ).toBe('23514');
      expect(
        await failure(() => handle.db.update(variant).set({ price: -1 }).where(eq(variant.id, 'v-lamp-s'))),
      ).toBe('23514');
      expect(await failure(() => addVariant('v-ghost', 'p-ghost', 'GHOST', 100, 1))).toBe('23503');
      const [user] = await handle.db
        .insert(s.user)
        .values({
          id: 'u1',
          email: 'a@example.com',
          name: 'A',
          passwordHash: 'x',
          createdAt: NOW,
          updatedAt: NOW,
        })
        .returning();
      const [cart] = await handle.db
        .insert(s.cart)
        .values({ id: 'c1', userId: user?.id, createdAt: NOW, updatedAt: NOW })
        .returning();
      expect(
        await failure(() =>
          handle.db
            .insert(cartItem)
            .values({ cartId: cart?.id ?? '', variantId: 'v-lamp-s', quantity: 0, addedAt: NOW }),
        ),
      ).toBe('23514');
      const [lamp] = await handle.db.select().from(variant).where(eq(variant.id, 'v-lamp-s'));
      expect(lamp).toMatchObject({ stock: 4, price: 2500 });
    });

    it('reads money and timestamps as integers (numbers), never strings', async () => {
      const [row] = await handle.db.select().from(product).where(eq(product.id, 'p-lamp'));
      expect(row).toMatchObject({ minPrice: 2500, stockTotal: 10, createdAt: NOW, ratingAvg: 0 });
      expect(typeof row?.seq).toBe('number');
      const [sum] = await handle.db
        .select({ total: sql<number>`sum(${variant.price})`, n: sql<number>`count(*)` })
        .from(variant);
      expect(sum).toEqual({ total: 6400, n: 2 });
    });

    it('keeps min price and stock total from the variants, as the SQLite triggers do', async () => {
      await handle.db.update(variant).set({ price: 1900 }).where(eq(variant.id, 'v-lamp-l'));
      await handle.db.update(variant).set({ stock: 1 }).where(eq(variant.id, 'v-lamp-l'));
      const [row] = await handle.db.select().from(product).where(eq(product.id, 'p-lamp'));
      expect(row).toMatchObject({ minPrice: 1900, stockTotal: 5 });
    });

    it('indexes name, SKUs and description for search, accents folded, name ranked first', async () => {
      await addProduct('p-cable', 'USB cable', 'Pairs well with a creme lamp');
      await addVariant('v-cable', 'p-cable', 'CREME-9', 500, 1);
      await addProduct('p-mug', 'Mug', 'Holds creme coffee');
      const find = async (query: string) => {
        const { rows } = await handle.pool.query<{ id: string }>(
          `SELECT p.id FROM product_search s JOIN product p ON p.seq = s.seq
         WHERE s.document @@ to_tsquery('simple', $1)
         ORDER BY ts_rank(s.document, to_tsquery('simple', $1)) DESC, p.seq`,
          [query],
        );
        return rows.map((r) => r.id);
      };
      expect(await find('creme')).toEqual(['p-lamp', 'p-cable', 'p-mug']);
      expect(await find('lamp & l')).toEqual(['p-lamp']);
      expect(await find('lam:*')).toEqual(['p-lamp', 'p-cable']);
      await handle.db.update(variant).set({ sku: 'BULB-L' }).where(eq(variant.id, 'v-lamp-l'));
      expect(await find('bulb')).toEqual(['p-lamp']);
      await handle.db.update(product).set({ name: 'Desk Light' }).where(eq(product.id, 'p-lamp'));
      expect(await find('creme')).toEqual(['p-cable', 'p-mug']);
      expect(await find('desk & light')).toEqual(['p-lamp']);
    });
  },
);
