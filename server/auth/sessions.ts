import type { Engine } from '../../db/engine.js';
import type { SessionRecord, SessionUser } from '../../db/stores/accounts.js';
import { isRetryableStorageError } from '../errors.js';
import { sessionEndedEvent } from '../services/live/live-events.js';
import { generateToken, hashToken, isTokenShaped } from './tokens.js';

export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const RENEW_WHEN_LEFT_MS = SESSION_LIFETIME_MS / 2;

export type { SessionRecord, SessionUser };

export interface ValidatedSession {
  session: SessionRecord;
  user: SessionUser;
  /** True when the expiry moved forward and the cookie must be sent again. */
  renewed: boolean;
}

/** The id stored for a session token. */
export const sessionIdFromToken = hashToken;

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
async function unlessStorageRefuses(write: Promise<unknown>): Promise<boolean> {
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
    await unlessStorageRefuses(engine.transaction((tx) => tx.accounts.deleteSession(id)));
    return null;
  }
  if (now < found.session.expiresAt - RENEW_WHEN_LEFT_MS) return { ...found, renewed: false };
  const expiresAt = now + SESSION_LIFETIME_MS;
  const renewed = await unlessStorageRefuses(
    engine.transaction((tx) => tx.accounts.extendSession(id, expiresAt)),
  );
  return { session: renewed ? { ...found.session, expiresAt } : found.session, user: found.user, renewed };
}

/** Ends one session (sign-out, or the one a sign-in replaces). */
export function endSession(engine: Engine, sessionId: string, now: number): Promise<void> {
  return engine.transaction(async (tx) => {
    await tx.accounts.deleteSession(sessionId);
    await tx.live.append([sessionEndedEvent(sessionId)], now);
  });
}
