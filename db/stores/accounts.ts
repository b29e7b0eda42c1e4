/**
 * The accounts area's data access, one async method per query or write, implemented once per engine
 * (db/sqlite/accounts.ts, db/postgres/accounts.ts). Rows come back in the same shapes on both engines.
 */

export type Role = 'customer' | 'admin';

/** An account as the rest of the server sees it: never the password hash. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  emailVerified: boolean;
  createdAt: number;
}

/** An account with its password hash, for the few places that check a password. */
export interface UserCredentials extends SessionUser {
  passwordHash: string;
}

export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: number;
}

export interface SessionWithUser {
  session: SessionRecord;
  user: SessionUser;
}

export interface NewUser extends SessionUser {
  passwordHash: string;
  updatedAt: number;
}

export type TokenPurpose = 'password_reset' | 'email_verification';

export interface NewUserToken {
  /** The SHA-256 of the token, never the token itself. */
  id: string;
  userId: string;
  purpose: TokenPurpose;
  expiresAt: number;
  createdAt: number;
}

/** One fixed-window counter after an attempt was counted in it. */
export interface WindowCount {
  count: number;
  resetAt: number;
}

export interface UserListQuery {
  /** Lower-cased text matched anywhere in the email or the name. */
  q?: string | undefined;
  /** Rows after this (createdAt, id) key, oldest first. */
  after?: { createdAt: number; id: string } | undefined;
  limit: number;
}

export interface AccountStore {
  // --- sessions (Lucia: the id is the token's hash) ---
  /** The session with its account, or null (hot path: prepared on both engines). */
  sessionWithUser(sessionId: string): Promise<SessionWithUser | null>;
  insertSession(record: SessionRecord, createdAt: number): Promise<void>;
  /** Moves the expiry (sliding sessions); nothing when the session is gone. */
  extendSession(sessionId: string, expiresAt: number): Promise<void>;
  deleteSession(sessionId: string): Promise<void>;
  /** Ends every session of a user, except one when given (the caller's own). */
  deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void>;
  /** Removes sessions expired before `now`; how many. */
  deleteExpiredSessions(now: number): Promise<number>;

  // --- rate limits (fixed windows shared by every process) ---
  /**
   * Counts one attempt in the window of `key` in one atomic upsert (a window that ended starts
   * again at 1): the count and window end after this attempt. Concurrent callers each count.
   */
  countAttempt(key: string, windowMs: number, now: number): Promise<WindowCount>;
  /** Takes one attempt back (never below 0). */
  refundAttempt(key: string): Promise<void>;
  /** Removes windows that ended before `now`; how many. */
  deleteSpentRateLimits(now: number): Promise<number>;

  // --- users ---
  userById(id: string): Promise<SessionUser | null>;
  userByEmail(email: string): Promise<SessionUser | null>;
  credentialsById(id: string): Promise<UserCredentials | null>;
  credentialsByEmail(email: string): Promise<UserCredentials | null>;
  /** False when the email (or id) is taken: the row was not inserted and the transaction goes on. */
  insertUser(row: NewUser): Promise<boolean>;
  setPasswordHash(userId: string, passwordHash: string, now: number): Promise<void>;
  markEmailVerified(userId: string, now: number): Promise<void>;
  setRole(userId: string, role: Role, now: number): Promise<void>;
  /** Makes the user admin only while its password hash is still `passwordHash`; true when it did. */
  promoteToAdmin(userId: string, passwordHash: string, now: number): Promise<boolean>;
  /**
   * How many admins there are, locking their rows until the transaction ends (PostgreSQL), so two
   * concurrent demotions cannot both see a second admin. SQLite's single writer gives that already.
   */
  countAdminsForUpdate(): Promise<number>;
  /** Accounts oldest first (createdAt, id), at most `limit` rows. */
  listUsers(query: UserListQuery): Promise<SessionUser[]>;

  // --- single-use tokens (password reset, email verification) ---
  /** Drops the user's unused tokens of the purpose and stores the new one. */
  replaceToken(token: NewUserToken): Promise<void>;
  /** Marks a live, unused token of the purpose used; its user id, or null. */
  useToken(tokenId: string, purpose: TokenPurpose, now: number): Promise<string | null>;
}
