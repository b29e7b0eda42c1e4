import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { user, userToken } from '../../../db/sqlite/schema/index.js';
import { generateToken, hashToken, isTokenShaped } from '../../auth/tokens.js';
import { AppError } from '../../errors.js';
import { enqueueMail } from '../integrations/outbox.js';

export type TokenPurpose = 'password_reset' | 'email_verification';

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
export function issueToken(
  tx: Executor,
  userId: string,
  purpose: TokenPurpose,
  storefrontUrl: string,
  now: number,
): string {
  tx.delete(userToken)
    .where(and(eq(userToken.userId, userId), eq(userToken.purpose, purpose), isNull(userToken.usedAt)))
    .run();
  const token = generateToken();
  tx.insert(userToken)
    .values({
      id: hashToken(token),
      userId,
      purpose,
      expiresAt: now + TOKEN_LIFETIME_MS[purpose],
      createdAt: now,
    })
    .run();
  return `${storefrontUrl}${PAGES[purpose]}?token=${token}`;
}

/** Uses a token once: its user id, or BAD_REQUEST INVALID_TOKEN (unknown, expired, used, other purpose). */
export function consumeToken(tx: Executor, token: string, purpose: TokenPurpose, now: number): string {
  const invalid = () => new AppError('BAD_REQUEST', 'INVALID_TOKEN', 'This link is invalid or has expired');
  if (!isTokenShaped(token)) throw invalid();
  const used = tx
    .update(userToken)
    .set({ usedAt: now })
    .where(
      and(
        eq(userToken.id, hashToken(token)),
        eq(userToken.purpose, purpose),
        isNull(userToken.usedAt),
        gt(userToken.expiresAt, now),
      ),
    )
    .returning({ userId: userToken.userId })
    .get();
  if (!used) throw invalid();
  return used.userId;
}

/** Queues a verification mail for a signed-in user (welcome mail for a new account). */
export function sendVerification(
  tx: Executor,
  account: { id: string; email: string; name: string },
  storefrontUrl: string,
  now: number,
  template: 'welcome' | 'verify_email',
): void {
  const verifyUrl = issueToken(tx, account.id, 'email_verification', storefrontUrl, now);
  enqueueMail(tx, account.email, { template, name: account.name, verifyUrl }, now);
}

/** Marks the email of the token's user verified. */
export function verifyEmail(db: Executor, token: string, now: number): void {
  db.transaction(
    (tx) => {
      const userId = consumeToken(tx, token, 'email_verification', now);
      tx.update(user).set({ emailVerified: true, updatedAt: now }).where(eq(user.id, userId)).run();
    },
    { behavior: 'immediate' },
  );
}

/** Queues a reset link when the email belongs to an account; does nothing otherwise. */
export function requestPasswordReset(db: Executor, email: string, storefrontUrl: string, now: number): void {
  db.transaction(
    (tx) => {
      const account = tx
        .select({ id: user.id, name: user.name })
        .from(user)
        .where(eq(user.email, email))
        .get();
      if (!account) return;
      const resetUrl = issueToken(tx, account.id, 'password_reset', storefrontUrl, now);
      enqueueMail(tx, email, { template: 'password_reset', name: account.name, resetUrl }, now);
    },
    { behavior: 'immediate' },
  );
}
