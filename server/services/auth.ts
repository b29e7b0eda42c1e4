import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { user } from '../../db/schema/index.js';
import type { changePasswordInput, signInInput, signUpInput } from '../../shared/schemas/index.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { consumeAttempt, type LimitRule, refundAttempt } from '../auth/rate-limit.js';
import { invalidateUserSessions, type SessionUser, sessionUserColumns } from '../auth/sessions.js';
import { AppError, isUniqueViolation } from '../errors.js';
import { newId } from '../ids.js';
import { consumeToken, sendVerification } from './account-tokens.js';

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const SIGN_IN_LIMIT_PER_EMAIL = 10;
export const SIGN_IN_LIMIT_PER_IP = 100;

/** The public shape of an account (API.md `User`). */
export function toUser(row: SessionUser) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    emailVerified: row.emailVerified,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export type User = ReturnType<typeof toUser>;

/**
 * Creates a customer account and queues the welcome mail with its verification link, in one
 * transaction. CONFLICT EMAIL_TAKEN when the email is in use.
 */
export async function signUp(
  db: Db,
  input: z.output<typeof signUpInput>,
  facts: { now: number; storefrontUrl: string },
): Promise<SessionUser> {
  const { now } = facts;
  const taken = () => new AppError('CONFLICT', 'EMAIL_TAKEN', 'An account with this email already exists');
  if (db.select({ id: user.id }).from(user).where(eq(user.email, input.email)).get()) throw taken();
  const passwordHash = await hashPassword(input.password);
  const row = {
    id: newId(),
    email: input.email,
    name: input.name,
    role: 'customer' as const,
    emailVerified: false,
  };
  try {
    db.transaction((tx) => {
      tx.insert(user)
        .values({ ...row, passwordHash, createdAt: now, updatedAt: now })
        .run();
      sendVerification(tx, row, facts.storefrontUrl, now, 'welcome');
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(); // lost a race with a concurrent sign-up
    throw error;
  }
  return { ...row, createdAt: now };
}

function signInRules(email: string, clientIp: string): LimitRule[] {
  return [
    { key: `sign-in:email:${email}`, limit: SIGN_IN_LIMIT_PER_EMAIL, windowMs: SIGN_IN_WINDOW_MS },
    { key: `sign-in:ip:${clientIp}`, limit: SIGN_IN_LIMIT_PER_IP, windowMs: SIGN_IN_WINDOW_MS },
  ];
}

/**
 * Checks credentials under the per-email and per-IP limits. Every call counts before the
 * (slow) hash check, so concurrent calls in one batch cannot slip past the limit; a success
 * takes its count back.
 */
export async function signIn(
  db: Db,
  input: z.output<typeof signInInput>,
  facts: { clientIp: string; now: number },
): Promise<SessionUser> {
  const rules = signInRules(input.email, facts.clientIp);
  const limited = consumeAttempt(db, rules, facts.now);
  if (!limited.ok) {
    const minutes = Math.max(1, Math.ceil((limited.retryAt - facts.now) / 60000));
    throw new AppError(
      'TOO_MANY_REQUESTS',
      'RATE_LIMITED',
      `Too many sign-in attempts; try again in ${minutes} min`,
    );
  }
  const row = db
    .select({ ...sessionUserColumns, passwordHash: user.passwordHash })
    .from(user)
    .where(eq(user.email, input.email))
    .get();
  const valid = await verifyPassword(row?.passwordHash ?? null, input.password);
  if (!row || !valid)
    throw new AppError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Email or password is incorrect');
  refundAttempt(db, rules);
  const { passwordHash: _secret, ...account } = row;
  return account;
}

/** Replaces the password after checking the current one; ends every other session of the user. */
export async function changePassword(
  db: Db,
  account: { userId: string; sessionId: string },
  input: z.output<typeof changePasswordInput>,
  now: number,
): Promise<void> {
  const row = db
    .select({ passwordHash: user.passwordHash })
    .from(user)
    .where(eq(user.id, account.userId))
    .get();
  if (!row || !(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new AppError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Current password is incorrect');
  }
  const passwordHash = await hashPassword(input.newPassword);
  db.transaction((tx) => {
    tx.update(user).set({ passwordHash, updatedAt: now }).where(eq(user.id, account.userId)).run();
    invalidateUserSessions(tx, account.userId, account.sessionId);
  });
}

/** Sets a new password from a reset link (single use) and ends every session of the user. */
export async function resetPassword(
  db: Db,
  input: { token: string; newPassword: string },
  now: number,
): Promise<void> {
  const passwordHash = await hashPassword(input.newPassword);
  db.transaction(
    (tx) => {
      const userId = consumeToken(tx, input.token, 'password_reset', now);
      tx.update(user).set({ passwordHash, updatedAt: now }).where(eq(user.id, userId)).run();
      invalidateUserSessions(tx, userId);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Makes sure the configured admin exists and has the admin role. An existing account keeps its
 * password (it may have been changed since); a new one gets ADMIN_PASSWORD.
 */
export async function ensureAdmin(db: Db, email: string, password: string, now: number): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const existing = db
    .select({ id: user.id, role: user.role })
    .from(user)
    .where(eq(user.email, normalized))
    .get();
  if (existing) {
    if (existing.role !== 'admin')
      db.update(user).set({ role: 'admin', updatedAt: now }).where(eq(user.id, existing.id)).run();
    return;
  }
  const passwordHash = await hashPassword(password);
  db.insert(user)
    .values({
      id: newId(),
      email: normalized,
      name: 'Administrator',
      passwordHash,
      role: 'admin',
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .run();
}
