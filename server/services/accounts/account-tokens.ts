import type { Engine } from '../../../db/engine.js';
import type { TokenPurpose } from '../../../db/stores/accounts.js';
import type { Stores } from '../../../db/stores/index.js';
import { generateToken, hashToken, isTokenShaped } from '../../auth/tokens.js';
import { AppError } from '../../errors.js';
import { queueMail } from '../integrations/outbox.js';

export type { TokenPurpose };

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  email_verification: 24 * 60 * 60 * 1000,
};

const PAGES: Record<TokenPurpose, string> = {
  password_reset: '/reset-password',
  email_verification: '/verify-email',
};

/**
 * Issues a single-use token (only its hash is stored; older unused tokens of the same purpose are
 * dropped) and returns the storefront link that carries it.
 */
export async function issueToken(
  tx: Stores,
  userId: string,
  purpose: TokenPurpose,
  storefrontUrl: string,
  now: number,
): Promise<string> {
  const token = generateToken();
  await tx.accounts.replaceToken({
    id: hashToken(token),
    userId,
    purpose,
    expiresAt: now + TOKEN_LIFETIME_MS[purpose],
    createdAt: now,
  });
  return `${storefrontUrl}${PAGES[purpose]}?token=${token}`;
}

/** Uses a token once: its user id, or BAD_REQUEST INVALID_TOKEN (unknown, expired, used, other purpose). */
export async function consumeToken(
  tx: Stores,
  token: string,
  purpose: TokenPurpose,
  now: number,
): Promise<string> {
  const invalid = () => new AppError('BAD_REQUEST', 'INVALID_TOKEN', 'This link is invalid or has expired');
  if (!isTokenShaped(token)) throw invalid();
  const userId = await tx.accounts.useToken(hashToken(token), purpose, now);
  if (userId === null) throw invalid();
  return userId;
}

/**
 * Queues a verification mail for a signed-in user (welcome mail for a new account), inside the
 * caller's transaction.
 */
export async function sendVerification(
  tx: Stores,
  account: { id: string; email: string; name: string },
  storefrontUrl: string,
  now: number,
  template: 'welcome' | 'verify_email',
): Promise<void> {
  const verifyUrl = await issueToken(tx, account.id, 'email_verification', storefrontUrl, now);
  await queueMail(tx, account.email, { template, name: account.name, verifyUrl }, now);
}

/** Queues a fresh verification mail for a signed-in user. */
export function requestEmailVerification(
  engine: Engine,
  account: { id: string; email: string; name: string },
  storefrontUrl: string,
  now: number,
): Promise<void> {
  return engine.transaction((tx) => sendVerification(tx, account, storefrontUrl, now, 'verify_email'));
}

/** Marks the email of the token's user verified. */
export function verifyEmail(engine: Engine, token: string, now: number): Promise<void> {
  return engine.transaction(async (tx) => {
    const userId = await consumeToken(tx, token, 'email_verification', now);
    await tx.accounts.markEmailVerified(userId, now);
  });
}

/** Queues a reset link when the email belongs to an account; does nothing otherwise. */
export function requestPasswordReset(
  engine: Engine,
  email: string,
  storefrontUrl: string,
  now: number,
): Promise<void> {
  return engine.transaction(async (tx) => {
    const account = await tx.accounts.userByEmail(email);
    if (!account) return;
    const resetUrl = await issueToken(tx, account.id, 'password_reset', storefrontUrl, now);
    await queueMail(tx, email, { template: 'password_reset', name: account.name, resetUrl }, now);
  });
}
