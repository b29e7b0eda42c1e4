import type { z } from 'zod';
import type { Engine } from '../../../db/engine.js';
import type { changePasswordInput, signInInput, signUpInput } from '../../../shared/schemas/index.js';
import type { Passwords } from '../../auth/passwords.js';
import { consumeAttempt, type LimitRule, refundAttempt } from '../../auth/rate-limit.js';
import type { SessionUser } from '../../auth/sessions.js';
import { clientAddressBucket } from '../../domain/ip-address.js';
import { AppError } from '../../errors.js';
import { newId } from '../../ids.js';
import { consumeToken, sendVerification } from './account-tokens.js';

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const SIGN_IN_LIMIT_PER_EMAIL = 10;
export const SIGN_IN_LIMIT_PER_IP = 100;

/** The public shape of an account (the API reference's `User`). */
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

export const SIGN_UP_WINDOW_MS = 60 * 60 * 1000;

function rateLimited(what: string, retryAt: number, now: number): AppError {
  const minutes = Math.max(1, Math.ceil((retryAt - now) / 60000));
  return new AppError('TOO_MANY_REQUESTS', 'RATE_LIMITED', `Too many ${what}; try again in ${minutes} min`);
}

/**
 * Creates a customer account and queues the welcome mail with its verification link, in one
 * transaction. CONFLICT EMAIL_TAKEN when the email is in use. Every attempt counts against the
 * client address's hourly limit before anything else (the hash is the expensive part), taken or not,
 * so sign-up can neither mint accounts nor probe for taken emails in bulk.
 */
export async function signUp(
  engine: Engine,
  passwords: Passwords,
  input: z.output<typeof signUpInput>,
  facts: { now: number; storefrontUrl: string; clientIp: string; limitPerHour: number },
): Promise<SessionUser> {
  const { now } = facts;
  const rule = {
    key: `sign-up:ip:${clientAddressBucket(facts.clientIp)}`,
    limit: facts.limitPerHour,
    windowMs: SIGN_UP_WINDOW_MS,
  };
  const limited = await consumeAttempt(engine, [rule], now);
  if (!limited.ok) throw rateLimited('sign-ups from this address', limited.retryAt, now);
  const taken = () => new AppError('CONFLICT', 'EMAIL_TAKEN', 'An account with this email already exists');
  if (await engine.read.accounts.userByEmail(input.email)) throw taken();
  // Hashed before the transaction: on SQLite the unit holds the only write connection.
  const passwordHash = await passwords.hash(input.password);
  const account: SessionUser = {
    id: newId(),
    email: input.email,
    name: input.name,
    role: 'customer',
    emailVerified: false,
    createdAt: now,
  };
  await engine.transaction(async (tx) => {
    // Not inserted: a concurrent sign-up took the email meanwhile.
    if (!(await tx.accounts.insertUser({ ...account, passwordHash, updatedAt: now }))) throw taken();
    await sendVerification(tx, account, facts.storefrontUrl, now, 'welcome');
  });
  return account;
}

function signInRules(email: string, clientIp: string): LimitRule[] {
  return [
    { key: `sign-in:email:${email}`, limit: SIGN_IN_LIMIT_PER_EMAIL, windowMs: SIGN_IN_WINDOW_MS },
    {
      key: `sign-in:ip:${clientAddressBucket(clientIp)}`,
      limit: SIGN_IN_LIMIT_PER_IP,
      windowMs: SIGN_IN_WINDOW_MS,
    },
  ];
}

/**
 * Checks credentials under the per-email and per-IP limits. Every call counts before the
 * (slow) hash check, so concurrent calls cannot slip past the limit; a success takes its count back.
 */
export async function signIn(
  engine: Engine,
  passwords: Passwords,
  input: z.output<typeof signInInput>,
  facts: { clientIp: string; now: number },
): Promise<SessionUser> {
  const rules = signInRules(input.email, facts.clientIp);
  const limited = await consumeAttempt(engine, rules, facts.now);
  if (!limited.ok) throw rateLimited('sign-in attempts', limited.retryAt, facts.now);
  const row = await engine.read.accounts.credentialsByEmail(input.email);
  const valid = await passwords.verify(row?.passwordHash ?? null, input.password);
  if (!row || !valid)
    throw new AppError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Email or password is incorrect');
  await refundAttempt(engine, rules);
  const { passwordHash: _secret, ...account } = row;
  return account;
}

/** Replaces the password after checking the current one; ends every other session of the user. */
export async function changePassword(
  engine: Engine,
  passwords: Passwords,
  account: { userId: string; sessionId: string },
  input: z.output<typeof changePasswordInput>,
  now: number,
): Promise<void> {
  const row = await engine.read.accounts.credentialsById(account.userId);
  if (!row || !(await passwords.verify(row.passwordHash, input.currentPassword))) {
    throw new AppError('UNAUTHORIZED', 'INVALID_CREDENTIALS', 'Current password is incorrect');
  }
  const passwordHash = await passwords.hash(input.newPassword);
  await engine.transaction(async (tx) => {
    await tx.accounts.setPasswordHash(account.userId, passwordHash, now);
    await tx.accounts.deleteUserSessions(account.userId, account.sessionId);
  });
}

/** Sets a new password from a reset link (single use) and ends every session of the user. */
export async function resetPassword(
  engine: Engine,
  passwords: Passwords,
  input: { token: string; newPassword: string },
  now: number,
): Promise<void> {
  const passwordHash = await passwords.hash(input.newPassword);
  await engine.transaction(async (tx) => {
    const userId = await consumeToken(tx, input.token, 'password_reset', now);
    await tx.accounts.setPasswordHash(userId, passwordHash, now);
    await tx.accounts.deleteUserSessions(userId);
  });
}

/** What the start-up did about ADMIN_EMAIL; `refused` leaves the account as it was. */
export interface AdminBootstrap {
  outcome: 'created' | 'promoted' | 'already-admin' | 'refused';
  userId: string;
}

/**
 * Makes sure the configured admin exists: creates it with ADMIN_PASSWORD, or keeps an account that
 * is admin already (its password may have been changed since).
 * NOTE: an existing non-admin account is promoted only when its password verifies against
 * ADMIN_PASSWORD. Anyone may sign up any address, so an account under ADMIN_EMAIL that the start-up
 * did not create proves nothing about who holds it; promoting it would hand the shop to whoever
 * signed up first. Otherwise the answer is `refused` and the operator must act (see README).
 */
export async function ensureAdmin(
  engine: Engine,
  passwords: Passwords,
  email: string,
  password: string,
  now: number,
): Promise<AdminBootstrap> {
  const normalized = email.trim().toLowerCase();
  let existing = await engine.read.accounts.credentialsByEmail(normalized);
  if (!existing) {
    const id = newId();
    const passwordHash = await passwords.hash(password);
    const admin = {
      id,
      email: normalized,
      name: 'Administrator',
      role: 'admin' as const,
      emailVerified: false,
      passwordHash,
      createdAt: now,
      updatedAt: now,
    };
    if (await engine.transaction((tx) => tx.accounts.insertUser(admin)))
      return { outcome: 'created', userId: id };
    // Someone signed up the address while the password was hashed.
    existing = await engine.read.accounts.credentialsByEmail(normalized);
    if (!existing) throw new Error('the admin account could be neither created nor found');
  }
  if (existing.role === 'admin') return { outcome: 'already-admin', userId: existing.id };
  if (!(await passwords.verify(existing.passwordHash, password)))
    return { outcome: 'refused', userId: existing.id };
  // Promote the account exactly as verified: a password changed meanwhile proves nothing.
  const { id, passwordHash } = existing;
  const promoted = await engine.transaction((tx) => tx.accounts.promoteToAdmin(id, passwordHash, now));
  return { outcome: promoted ? 'promoted' : 'refused', userId: id };
}
