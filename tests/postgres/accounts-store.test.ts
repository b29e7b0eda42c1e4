import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import type { NewUser } from '../../db/stores/accounts.js';
import type { Stores } from '../../db/stores/index.js';
import { consumeAttempt } from '../../server/auth/rate-limit.js';
import { setRole } from '../../server/services/accounts/users.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

/**
 * The accounts store on both engines, method by method, with the same inputs: the same answers,
 * the same refusals. Then what only PostgreSQL can show: concurrent transactions counting one
 * rate-limit window and demoting the last admins.
 */
const unavailable = await postgresUnavailable();

const HOUR = 3_600_000;

function account(n: number, overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: `user${String(n).padStart(4, '0')}`,
    email: `shopper${n}@example.com`,
    name: `Shopper ${n}`,
    role: 'customer',
    emailVerified: false,
    passwordHash: `hash-${n}`,
    createdAt: 1_000 + (n % 3), // several accounts share a createdAt: the id breaks the tie
    updatedAt: 1_000,
    ...overrides,
  };
}

describe.skipIf(unavailable)(suiteTitle('accounts store: SQLite and PostgreSQL agree', unavailable), () => {
  let database: TestDatabase;
  let handle: PostgresHandle;
  let engines: Engine[];

  beforeAll(async () => {
    ({ database, handle } = await openMigratedTestDatabase(8));
    engines = [createSqliteEngine(openDatabase(':memory:')), createPostgresEngine(handle)];
  });
  afterAll(async () => {
    for (const engine of engines ?? []) await engine.close();
    await database?.drop();
  });

  /** Runs the same step on both engines; both outcomes, to be compared. */
  const onBoth = <T>(step: (engine: Engine) => Promise<T>) => Promise.all(engines.map(step));
  /** The same write on both engines, each in one transaction; both answers must match. */
  async function write<T>(work: (tx: Stores) => Promise<T>): Promise<T> {
    const [sqlite, postgres] = await onBoth((engine) => engine.transaction(work));
    expect(postgres).toEqual(sqlite);
    return sqlite as T;
  }
  async function read<T>(query: (s: Stores) => Promise<T>): Promise<T> {
    const [sqlite, postgres] = await onBoth((engine) => query(engine.read));
    expect(postgres).toEqual(sqlite);
    return sqlite as T;
  }
  /** The same refused write on both: each rejects, and nothing of it stays. */
  async function refused(work: (tx: Stores) => Promise<unknown>) {
    const outcomes = await onBoth((engine) =>
      engine.transaction(work).then(
        () => 'written',
        () => 'refused',
      ),
    );
    expect(outcomes).toEqual(['refused', 'refused']);
  }

  it('inserts users, refuses a taken email or id without breaking the transaction, and reads them back', async () => {
    for (let n = 1; n <= 6; n++) expect(await write((tx) => tx.accounts.insertUser(account(n)))).toBe(true);
    const duplicates = await write(async (tx) => [
      await tx.accounts.insertUser(account(7, { email: 'shopper1@example.com' })),
      await tx.accounts.insertUser(account(1, { email: 'fresh@example.com' })),
      // The transaction goes on after both refusals (PostgreSQL would abort it on a caught 23505).
      await tx.accounts.insertUser(account(8, { name: 'Under_score 100%' })),
    ]);
    expect(duplicates).toEqual([false, false, true]);

    expect(await read((s) => s.accounts.userById('user0002'))).toMatchObject({
      email: 'shopper2@example.com',
      role: 'customer',
      emailVerified: false,
      createdAt: 1_002,
    });
    expect(await read((s) => s.accounts.userByEmail('shopper3@example.com'))).toMatchObject({
      id: 'user0003',
    });
    expect(await read((s) => s.accounts.credentialsById('user0004'))).toMatchObject({
      passwordHash: 'hash-4',
    });
    expect(await read((s) => s.accounts.credentialsByEmail('shopper5@example.com'))).toMatchObject({
      passwordHash: 'hash-5',
    });
    expect(await read((s) => s.accounts.userById('nobody'))).toBeNull();
    expect(await read((s) => s.accounts.userByEmail('nobody@example.com'))).toBeNull();
    expect(await read((s) => s.accounts.credentialsById('nobody'))).toBeNull();
    expect(await read((s) => s.accounts.credentialsByEmail('nobody@example.com'))).toBeNull();
    const user = await read((s) => s.accounts.userById('user0001'));
    expect(user && 'passwordHash' in user).toBe(false);
  });

  it('changes passwords, verification and roles; promotes only while the password hash is unchanged', async () => {
    await write((tx) => tx.accounts.setPasswordHash('user0001', 'new-hash', 2_000));
    await write((tx) => tx.accounts.markEmailVerified('user0001', 2_000));
    expect(await read((s) => s.accounts.credentialsById('user0001'))).toMatchObject({
      passwordHash: 'new-hash',
      emailVerified: true,
    });
    expect(await write((tx) => tx.accounts.promoteToAdmin('user0002', 'stale-hash', 2_000))).toBe(false);
    expect(await write((tx) => tx.accounts.promoteToAdmin('user0002', 'hash-2', 2_000))).toBe(true);
    await write((tx) => tx.accounts.setRole('user0003', 'admin', 2_000));
    expect(await write((tx) => tx.accounts.countAdminsForUpdate())).toBe(2);
    await write((tx) => tx.accounts.setRole('user0003', 'customer', 2_000));
    expect(await write((tx) => tx.accounts.countAdminsForUpdate())).toBe(1);
  });

  it('lists users oldest first, pages by (createdAt, id), and matches LIKE wildcards literally', async () => {
    const all = await read((s) => s.accounts.listUsers({ limit: 50 }));
    expect(all.map((u) => u.id)).toEqual([
      'user0003',
      'user0006',
      'user0001',
      'user0004',
      'user0002',
      'user0005',
      'user0008',
    ]);
    const second = await read((s) =>
      s.accounts.listUsers({ limit: 3, after: { createdAt: 1_000, id: 'user0003' } }),
    );
    expect(second.map((u) => u.id)).toEqual(['user0006', 'user0001', 'user0004']);
    expect((await read((s) => s.accounts.listUsers({ q: 'shopper1', limit: 50 }))).map((u) => u.id)).toEqual([
      'user0001',
    ]);
    expect((await read((s) => s.accounts.listUsers({ q: '100%', limit: 50 }))).map((u) => u.id)).toEqual([
      'user0008',
    ]);
    expect((await read((s) => s.accounts.listUsers({ q: 'under_', limit: 50 }))).map((u) => u.id)).toEqual([
      'user0008',
    ]);
    expect(await read((s) => s.accounts.listUsers({ q: '_', limit: 50 }))).toHaveLength(1);
    expect(await read((s) => s.accounts.listUsers({ q: 'shopper 4', limit: 50 }))).toHaveLength(1);
  });

  it('stores sessions, reads them with their user, slides, ends and expires them', async () => {
    const record = (id: string, userId: string, expiresAt: number) => ({ id, userId, expiresAt });
    await write((tx) => tx.accounts.insertSession(record('s1', 'user0001', 10_000), 1_000));
    await write((tx) => tx.accounts.insertSession(record('s2', 'user0001', 20_000), 1_000));
    await write((tx) => tx.accounts.insertSession(record('s3', 'user0001', 30_000), 1_000));
    await write((tx) => tx.accounts.insertSession(record('s4', 'user0002', 5_000), 1_000));
    await refused((tx) => tx.accounts.insertSession(record('s1', 'user0002', 1), 1_000)); // taken id
    await refused((tx) => tx.accounts.insertSession(record('s9', 'nobody', 1), 1_000)); // no such user

    expect(await read((s) => s.accounts.sessionWithUser('s1'))).toEqual({
      session: { id: 's1', userId: 'user0001', expiresAt: 10_000 },
      user: {
        id: 'user0001',
        email: 'shopper1@example.com',
        name: 'Shopper 1',
        role: 'customer',
        emailVerified: true,
        createdAt: 1_001,
      },
    });
    expect(await read((s) => s.accounts.sessionWithUser('nope'))).toBeNull();
    await write((tx) => tx.accounts.extendSession('s1', 40_000));
    await write((tx) => tx.accounts.extendSession('gone', 40_000));
    expect((await read((s) => s.accounts.sessionWithUser('s1')))?.session.expiresAt).toBe(40_000);

    await write((tx) => tx.accounts.deleteUserSessions('user0001', 's2'));
    expect(await read((s) => s.accounts.sessionWithUser('s1'))).toBeNull();
    expect(await read((s) => s.accounts.sessionWithUser('s2'))).not.toBeNull();
    await write((tx) => tx.accounts.deleteSession('s2'));
    expect(await read((s) => s.accounts.sessionWithUser('s2'))).toBeNull();
    await write((tx) => tx.accounts.insertSession(record('s5', 'user0002', 50_000), 1_000));
    await write((tx) => tx.accounts.deleteUserSessions('user0001'));
    expect(await write((tx) => tx.accounts.deleteExpiredSessions(5_001))).toBe(1); // s4 only
    expect(await read((s) => s.accounts.sessionWithUser('s5'))).not.toBeNull();
  });

  it('counts attempts in fixed windows, starts a window again once it ended, refunds down to zero', async () => {
    expect(await write((tx) => tx.accounts.countAttempt('k', HOUR, 1_000))).toEqual({
      count: 1,
      resetAt: 1_000 + HOUR,
    });
    expect(await write((tx) => tx.accounts.countAttempt('k', HOUR, 2_000))).toEqual({
      count: 2,
      resetAt: 1_000 + HOUR,
    });
    await write((tx) => tx.accounts.refundAttempt('k'));
    await write((tx) => tx.accounts.refundAttempt('k'));
    await write((tx) => tx.accounts.refundAttempt('k'));
    await write((tx) => tx.accounts.refundAttempt('unknown'));
    expect(await write((tx) => tx.accounts.countAttempt('k', HOUR, 3_000))).toEqual({
      count: 1,
      resetAt: 1_000 + HOUR,
    });
    // At the window's end a new one starts, at 1.
    expect(await write((tx) => tx.accounts.countAttempt('k', HOUR, 1_000 + HOUR))).toEqual({
      count: 1,
      resetAt: 1_000 + 2 * HOUR,
    });
    await write((tx) => tx.accounts.countAttempt('other', HOUR, 1_000));
    expect(await write((tx) => tx.accounts.deleteSpentRateLimits(1_000 + HOUR + 1))).toBe(1);
    expect(await write((tx) => tx.accounts.deleteSpentRateLimits(1_000 + HOUR + 1))).toBe(0);
  });

  it('refuses the attempt past the limit in every rule, counting it nowhere', async () => {
    const ipRule = { key: 'ip:a', limit: 3, windowMs: HOUR };
    const rules = [{ key: 'email:a', limit: 2, windowMs: HOUR }, ipRule];
    const attempt = () => onBoth((engine) => consumeAttempt(engine, rules, 10_000));
    expect(await attempt()).toEqual([{ ok: true }, { ok: true }]);
    expect(await attempt()).toEqual([{ ok: true }, { ok: true }]);
    const blocked = { ok: false, retryAt: 10_000 + HOUR };
    expect(await attempt()).toEqual([blocked, blocked]);
    // The refused attempt left ip:a at 2, so one more on it alone still passes.
    const ipOnly = () => onBoth((engine) => consumeAttempt(engine, [ipRule], 10_000));
    expect(await ipOnly()).toEqual([{ ok: true }, { ok: true }]);
  });

  it('stores single-use tokens: one live per user and purpose, used once, before expiry, for its purpose', async () => {
    const token = (id: string, expiresAt: number) => ({
      id,
      userId: 'user0004',
      purpose: 'password_reset' as const,
      expiresAt,
      createdAt: 1_000,
    });
    await write((tx) => tx.accounts.replaceToken(token('t1', 9_000)));
    await write((tx) => tx.accounts.replaceToken(token('t2', 9_000))); // t1 dropped
    expect(await write((tx) => tx.accounts.useToken('t1', 'password_reset', 2_000))).toBeNull();
    expect(await write((tx) => tx.accounts.useToken('t2', 'email_verification', 2_000))).toBeNull();
    expect(await write((tx) => tx.accounts.useToken('t2', 'password_reset', 9_000))).toBeNull(); // expired
    expect(await write((tx) => tx.accounts.useToken('t2', 'password_reset', 2_000))).toBe('user0004');
    expect(await write((tx) => tx.accounts.useToken('t2', 'password_reset', 2_000))).toBeNull(); // used
    await write((tx) => tx.accounts.replaceToken(token('t3', 9_000))); // the used t2 stays, t3 added
    await refused((tx) => tx.accounts.replaceToken(token('t2', 9_000))); // taken id
    expect(await write((tx) => tx.accounts.useToken('t3', 'password_reset', 2_000))).toBe('user0004');
  });
});

describe.skipIf(unavailable)(suiteTitle('accounts on PostgreSQL under concurrency', unavailable), () => {
  let database: TestDatabase;
  let handle: PostgresHandle;
  let engine: Engine;

  beforeAll(async () => {
    ({ database, handle } = await openMigratedTestDatabase(10));
    engine = createPostgresEngine(handle);
  });
  afterAll(async () => {
    await engine?.close();
    await database?.drop();
  });

  it('lets exactly the limit through when many transactions count one window at once', async () => {
    const rules = [
      { key: 'sign-in:email:x', limit: 10, windowMs: HOUR },
      { key: 'sign-in:ip:y', limit: 100, windowMs: HOUR },
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () => consumeAttempt(engine, rules, 5_000)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(10);
    const counted = await engine.transaction((tx) =>
      tx.accounts.countAttempt('sign-in:email:x', HOUR, 5_000),
    );
    expect(counted.count).toBe(11); // the 10 allowed and this one: refusals counted nowhere
  });

  it('never demotes the last admin, even when two admins demote each other at once', async () => {
    for (const n of [1, 2]) {
      await engine.transaction((tx) => tx.accounts.insertUser(account(n, { role: 'admin' })));
    }
    const outcomes = await Promise.allSettled(
      ['user0001', 'user0002'].map((id) => setRole(engine, { id, role: 'customer' }, 3_000)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await engine.transaction((tx) => tx.accounts.countAdminsForUpdate())).toBe(1);
  });
});
