import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../db/engine.js';
import type { PostgresHandle } from '../../db/postgres/client.js';
import { createPostgresEngine } from '../../db/postgres/engine.js';
import { openDatabase } from '../../db/sqlite/client.js';
import { createSqliteEngine } from '../../db/sqlite/engine.js';
import { createPasswords } from '../../server/auth/passwords.js';
import { SESSION_LIFETIME_MS, startSession, validateSession } from '../../server/auth/sessions.js';
import { AppError } from '../../server/errors.js';
import { issueToken, verifyEmail } from '../../server/services/accounts/account-tokens.js';
import {
  changePassword,
  ensureAdmin,
  resetPassword,
  SIGN_IN_LIMIT_PER_EMAIL,
  signIn,
} from '../../server/services/accounts/auth.js';
import { listUsers, setRole } from '../../server/services/accounts/users.js';
import { TEST_PASSWORD_COST } from '../helpers/app.js';
import {
  openMigratedTestDatabase,
  postgresUnavailable,
  suiteTitle,
  type TestDatabase,
} from '../helpers/postgres.js';

/**
 * The accounts rules (Lucia sessions, rate limits, passwords, tokens, roles, the admin bootstrap)
 * played through the services on each engine: the same story must give the same answers.
 */
const unavailable = await postgresUnavailable();

const DAY = 24 * 60 * 60 * 1000;
const passwords = createPasswords(TEST_PASSWORD_COST);

/** The reason of a refused call, or 'ok'. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.reason;
    throw error;
  }
}

async function story(engine: Engine): Promise<unknown[]> {
  const seen: unknown[] = [];
  const now = Date.UTC(2026, 0, 1);
  seen.push((await ensureAdmin(engine, passwords, ' Boss@Example.com ', 'admin secret', now)).outcome);
  seen.push((await ensureAdmin(engine, passwords, 'boss@example.com', 'another one', now)).outcome);
  const passwordHash = await passwords.hash('customer secret');
  await engine.transaction((tx) =>
    tx.accounts.insertUser({
      id: 'customer1',
      email: 'c@example.com',
      name: 'C',
      role: 'customer',
      emailVerified: false,
      passwordHash,
      createdAt: now + 1, // listed after the admin whatever its random id
      updatedAt: now,
    }),
  );
  seen.push((await ensureAdmin(engine, passwords, 'c@example.com', 'not it', now)).outcome);
  seen.push((await ensureAdmin(engine, passwords, 'c@example.com', 'customer secret', now)).outcome);
  seen.push((await setRole(engine, { id: 'customer1', role: 'customer' }, now)).role);

  // Sign-in: failures count per email; at the limit even the right password is refused.
  const credentials = { email: 'c@example.com', password: 'customer secret' };
  const facts = { clientIp: '192.0.2.1', now };
  seen.push(await outcome(signIn(engine, passwords, credentials, facts)));
  for (let i = 0; i < SIGN_IN_LIMIT_PER_EMAIL; i++)
    seen.push(await outcome(signIn(engine, passwords, { ...credentials, password: `wrong ${i}` }, facts)));
  seen.push(await outcome(signIn(engine, passwords, credentials, facts)));
  seen.push(await outcome(signIn(engine, passwords, credentials, { ...facts, now: now + DAY })));

  // Sessions: valid, slid forward past half of their life, gone once expired.
  const { token, validated } = await startSession(engine, 'customer1', now);
  seen.push(validated?.user.email, validated?.renewed);
  seen.push((await validateSession(engine, token, now + 10 * DAY))?.renewed);
  const slid = await validateSession(engine, token, now + 16 * DAY);
  seen.push(slid?.renewed, slid ? slid.session.expiresAt - now : null);
  seen.push(await validateSession(engine, token, now + 16 * DAY + SESSION_LIFETIME_MS));
  seen.push(await validateSession(engine, token, now)); // deleted when found expired
  seen.push(await validateSession(engine, 'not a token', now));

  // A password change keeps the caller's session and ends the others.
  const here = await startSession(engine, 'customer1', now);
  const elsewhere = await startSession(engine, 'customer1', now);
  const sessionId = here.validated?.session.id ?? '';
  const change = { currentPassword: 'customer secret', newPassword: 'second secret' };
  seen.push(
    await outcome(changePassword(engine, passwords, { userId: 'customer1', sessionId }, change, now)),
  );
  seen.push(
    await outcome(changePassword(engine, passwords, { userId: 'customer1', sessionId }, change, now)),
  );
  seen.push((await validateSession(engine, here.token, now)) !== null);
  seen.push((await validateSession(engine, elsewhere.token, now)) !== null);

  // A reset link works once and ends every session; a verification link marks the email verified.
  const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
  const link = await engine.transaction((tx) =>
    issueToken(tx, 'customer1', 'password_reset', 'https://shop.example', now),
  );
  const reset = { token: tokenOf(link), newPassword: 'third secret' };
  seen.push(await outcome(resetPassword(engine, passwords, reset, now)));
  seen.push(await outcome(resetPassword(engine, passwords, reset, now)));
  seen.push((await validateSession(engine, here.token, now)) !== null);
  const verify = await engine.transaction((tx) =>
    issueToken(tx, 'customer1', 'email_verification', 'https://shop.example', now),
  );
  seen.push(await outcome(verifyEmail(engine, tokenOf(verify), now)));
  seen.push(await outcome(verifyEmail(engine, tokenOf(verify), now)));

  const users = await listUsers(engine.read, { limit: 10 });
  seen.push(users.items.map((u) => [u.email, u.role, u.emailVerified]));
  return seen;
}

describe.skipIf(unavailable)(
  suiteTitle('accounts services: the same story on both engines', unavailable),
  () => {
    let database: TestDatabase;
    let handle: PostgresHandle;
    let sqliteEngine: Engine;
    let postgresEngine: Engine;

    beforeAll(async () => {
      ({ database, handle } = await openMigratedTestDatabase(4));
      sqliteEngine = createSqliteEngine(openDatabase(':memory:'));
      postgresEngine = createPostgresEngine(handle);
    });
    afterAll(async () => {
      await sqliteEngine?.close();
      await postgresEngine?.close();
      await database?.drop();
    });

    it('admin bootstrap, sign-in limits, sliding sessions, password change and reset, verification', async () => {
      const sqlite = await story(sqliteEngine);
      const postgres = await story(postgresEngine);
      expect(postgres).toEqual(sqlite);
      expect(sqlite.slice(0, 5)).toEqual(['created', 'already-admin', 'refused', 'promoted', 'customer']);
      expect(sqlite.slice(5, 5 + SIGN_IN_LIMIT_PER_EMAIL + 3)).toEqual([
        'ok',
        ...Array(SIGN_IN_LIMIT_PER_EMAIL).fill('INVALID_CREDENTIALS'),
        'RATE_LIMITED',
        'ok',
      ]);
      expect(sqlite.slice(5 + SIGN_IN_LIMIT_PER_EMAIL + 3)).toEqual([
        'c@example.com',
        false,
        false,
        true,
        16 * DAY + SESSION_LIFETIME_MS,
        null,
        null,
        null,
        'ok',
        'INVALID_CREDENTIALS',
        true,
        false,
        'ok',
        'INVALID_TOKEN',
        false,
        'ok',
        'INVALID_TOKEN',
        [
          ['boss@example.com', 'admin', false],
          ['c@example.com', 'customer', true],
        ],
      ]);
    });
  },
);
