import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Engine } from '../../db/engine.js';
import type { Executor } from '../../db/sqlite/client.js';
import { preparedQuery } from '../../db/sqlite/prepared.js';
import { session, user } from '../../db/sqlite/schema/index.js';
import type { SessionRecord, SessionUser } from '../../db/stores/accounts.js';
import { isRetryableStorageError } from '../errors.js';
import { generateToken, hashToken, isTokenShaped } from './tokens.js';

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const RENEW_WHEN_LEFT_MS = SESSION_LIFETIME_MS / 2;

export type { SessionRecord, SessionUser };

/** The account columns a session carries: never the password hash (legacy SQLite queries). */
export const sessionUserColumns = {
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  emailVerified: user.emailVerified,
  createdAt: user.createdAt,
};

export interface ValidatedSession {
  session: SessionRecord;
  user: SessionUser;
  /** True when the expiry moved forward and the cookie must be sent again. */
  renewed: boolean;
}

/** The id stored for a session token. */
export const sessionIdFromToken = hashToken;

/** Legacy (SQLite, synchronous): use startSession. */
export function createSession(
  db: Executor,
  userId: string,
  now: number,
): { token: string; session: SessionRecord } {
  const token = generateToken();
  const record = { id: sessionIdFromToken(token), userId, expiresAt: now + SESSION_LIFETIME_MS };
  db.insert(session)
    .values({ ...record, createdAt: now })
    .run();
  return { token, session: record };
}

/**
 * Runs a housekeeping write that a read may skip: when storage refuses it (full disk, read-only,
 * the file replaced), the read still answers and the write is left for a later request.
 * NOTE: for single statements on the root handle (as the request context calls it): inside a
 * transaction, SQLite may already have rolled the whole transaction back.
 */
function unlessStorageRefuses(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (isRetryableStorageError(error)) return false;
    throw error;
  }
}

/** Legacy (SQLite, synchronous): use validateSession. */
export function validateSessionToken(db: Executor, token: string, now: number): ValidatedSession | null {
  if (!isTokenShaped(token)) return null;
  const id = sessionIdFromToken(token);
  const row = preparedQuery(db, 'session-with-user', (d) =>
    d
      .select({
        session: { id: session.id, userId: session.userId, expiresAt: session.expiresAt },
        user: sessionUserColumns,
      })
      .from(session)
      .innerJoin(user, eq(user.id, session.userId))
      .where(eq(session.id, sql.placeholder('id')))
      .prepare(),
  ).get({ id });
  if (!row) return null;
  if (now >= row.session.expiresAt) {
    unlessStorageRefuses(() => db.delete(session).where(eq(session.id, id)).run());
    return null;
  }
  let renewed = false;
  if (now >= row.session.expiresAt - RENEW_WHEN_LEFT_MS) {
    const expiresAt = now + SESSION_LIFETIME_MS;
    renewed = unlessStorageRefuses(() =>
      db.update(session).set({ expiresAt }).where(eq(session.id, id)).run(),
    );
    if (renewed) row.session.expiresAt = expiresAt;
  }
  return { ...row, renewed };
}

/** Legacy (SQLite, synchronous; other areas call it): ends every session of a user, except one when given. */
export function invalidateUserSessions(db: Executor, userId: string, exceptSessionId?: string): void {
  const where = exceptSessionId
    ? and(eq(session.userId, userId), ne(session.id, exceptSessionId))
    : eq(session.userId, userId);
  db.delete(session).where(where).run();
}

/** Legacy (SQLite, synchronous; other areas call it): removes expired sessions; returns how many. */
export function deleteExpiredSessions(db: Executor, now: number): number {
  return db.delete(session).where(lt(session.expiresAt, now)).run().changes;
}

/**
 * Starts a session for the user: a fresh token (only its hash is stored) and the session as
 * validated. `replacing`: the session the request came with, ended in the same transaction (no
 * fixation, and no moment where the browser holds neither).
 */
export async function startSession(
  engine: Engine,
  userId: string,
  now: number,
  replacing?: string,
): Promise<{ token: string; validated: ValidatedSession | null }> {
  const token = generateToken();
  const record = { id: sessionIdFromToken(token), userId, expiresAt: now + SESSION_LIFETIME_MS };
  const validated = await engine.transaction(async (tx) => {
    if (replacing !== undefined) await tx.accounts.deleteSession(replacing);
    await tx.accounts.insertSession(record, now);
    const account = await tx.accounts.userById(userId);
    return account ? { session: record, user: account, renewed: false } : null;
  });
  return { token, validated };
}

/**
 * Housekeeping a read may skip: when storage refuses it (full disk, read-only, the file replaced),
 * the read still answers and the write is left for a later request. False when refused.
 */
async function unlessStorageRefusesAsync(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isRetryableStorageError(error)) return false;
    throw error;
  }
}

/**
 * Looks a cookie token up (Lucia): null when unknown or expired (an expired session is deleted);
 * past half of its life the expiry slides forward and `renewed` says the cookie must be sent again.
 */
export async function validateSession(
  engine: Engine,
  token: string,
  now: number,
): Promise<ValidatedSession | null> {
  if (!isTokenShaped(token)) return null;
  const id = sessionIdFromToken(token);
  const found = await engine.read.accounts.sessionWithUser(id);
  if (!found) return null;
  if (now >= found.session.expiresAt) {
    await unlessStorageRefusesAsync(engine.transaction((tx) => tx.accounts.deleteSession(id)));
    return null;
  }
  if (now < found.session.expiresAt - RENEW_WHEN_LEFT_MS) return { ...found, renewed: false };
  const expiresAt = now + SESSION_LIFETIME_MS;
  const renewed = await unlessStorageRefusesAsync(
    engine.transaction((tx) => tx.accounts.extendSession(id, expiresAt)),
  );
  return { session: renewed ? { ...found.session, expiresAt } : found.session, user: found.user, renewed };
}

/** Ends one session (sign-out, or the one a sign-in replaces). */
export function endSession(engine: Engine, sessionId: string): Promise<void> {
  return engine.transaction((tx) => tx.accounts.deleteSession(sessionId));
}
