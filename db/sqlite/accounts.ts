import { and, asc, count, eq, gt, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../server/domain/search-query.js';
import type {
  AccountStore,
  NewUser,
  SessionWithUser,
  TokenPurpose,
  UserListQuery,
} from '../stores/accounts.js';
import type { Executor } from './client.js';
import { preparedQuery } from './prepared.js';
import { rateLimit, session, user, userToken } from './schema/index.js';

/** The account columns the server passes around: never the password hash. */
const userColumns = {
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  emailVerified: user.emailVerified,
  createdAt: user.createdAt,
};
const credentialColumns = { ...userColumns, passwordHash: user.passwordHash };

function listConditions(query: UserListQuery): SQL | undefined {
  const conditions: SQL[] = [];
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(
      sql`(${user.email} LIKE ${pattern} ESCAPE '\\' OR lower(${user.name}) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    const later = or(gt(user.createdAt, createdAt), and(eq(user.createdAt, createdAt), gt(user.id, id)));
    if (later) conditions.push(later);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/** The accounts area's queries on SQLite (better-sqlite3: every call answers at once). */
export function sqliteAccounts(db: Executor): AccountStore {
  // NOTE: built once per connection (the store factory is), prepared on first use.
  const sessionWithUser = () =>
    preparedQuery(db, 'accounts.session-with-user', (d) =>
      d
        .select({
          session: { id: session.id, userId: session.userId, expiresAt: session.expiresAt },
          user: userColumns,
        })
        .from(session)
        .innerJoin(user, eq(user.id, session.userId))
        .where(eq(session.id, sql.placeholder('id')))
        .prepare(),
    );
  return {
    async sessionWithUser(sessionId): Promise<SessionWithUser | null> {
      return sessionWithUser().get({ id: sessionId }) ?? null;
    },
    async insertSession(record, createdAt) {
      db.insert(session)
        .values({ ...record, createdAt })
        .run();
    },
    async extendSession(sessionId, expiresAt) {
      db.update(session).set({ expiresAt }).where(eq(session.id, sessionId)).run();
    },
    async deleteSession(sessionId) {
      db.delete(session).where(eq(session.id, sessionId)).run();
    },
    async deleteUserSessions(userId, exceptSessionId) {
      const where = exceptSessionId
        ? and(eq(session.userId, userId), ne(session.id, exceptSessionId))
        : eq(session.userId, userId);
      db.delete(session).where(where).run();
    },
    async deleteExpiredSessions(now) {
      return db.delete(session).where(lt(session.expiresAt, now)).run().changes;
    },

    async countAttempt(key, windowMs, now) {
      const ended = sql`${rateLimit.resetAt} <= ${now}`;
      return db
        .insert(rateLimit)
        .values({ key, count: 1, resetAt: now + windowMs })
        .onConflictDoUpdate({
          target: rateLimit.key,
          set: {
            count: sql`CASE WHEN ${ended} THEN 1 ELSE ${rateLimit.count} + 1 END`,
            resetAt: sql`CASE WHEN ${ended} THEN ${now + windowMs} ELSE ${rateLimit.resetAt} END`,
          },
        })
        .returning({ count: rateLimit.count, resetAt: rateLimit.resetAt })
        .get();
    },
    async refundAttempt(key) {
      db.update(rateLimit)
        .set({ count: sql`max(${rateLimit.count} - 1, 0)` })
        .where(eq(rateLimit.key, key))
        .run();
    },
    async deleteSpentRateLimits(now) {
      return db.delete(rateLimit).where(lt(rateLimit.resetAt, now)).run().changes;
    },

    async userById(id) {
      return db.select(userColumns).from(user).where(eq(user.id, id)).get() ?? null;
    },
    async userByEmail(email) {
      return db.select(userColumns).from(user).where(eq(user.email, email)).get() ?? null;
    },
    async credentialsById(id) {
      return db.select(credentialColumns).from(user).where(eq(user.id, id)).get() ?? null;
    },
    async credentialsByEmail(email) {
      return db.select(credentialColumns).from(user).where(eq(user.email, email)).get() ?? null;
    },
    async insertUser(row: NewUser) {
      return db.insert(user).values(row).onConflictDoNothing().run().changes === 1;
    },
    async setPasswordHash(userId, passwordHash, now) {
      db.update(user).set({ passwordHash, updatedAt: now }).where(eq(user.id, userId)).run();
    },
    async markEmailVerified(userId, now) {
      db.update(user).set({ emailVerified: true, updatedAt: now }).where(eq(user.id, userId)).run();
    },
    async setRole(userId, role, now) {
      db.update(user).set({ role, updatedAt: now }).where(eq(user.id, userId)).run();
    },
    async promoteToAdmin(userId, passwordHash, now) {
      const promoted = db
        .update(user)
        .set({ role: 'admin', updatedAt: now })
        .where(and(eq(user.id, userId), eq(user.passwordHash, passwordHash)))
        .run();
      return promoted.changes === 1;
    },
    async countAdminsForUpdate() {
      // The write transaction holds SQLite's only write lock: nobody demotes meanwhile.
      return db.select({ n: count() }).from(user).where(eq(user.role, 'admin')).get()?.n ?? 0;
    },
    async listUsers(query) {
      return db
        .select(userColumns)
        .from(user)
        .where(listConditions(query))
        .orderBy(asc(user.createdAt), asc(user.id))
        .limit(query.limit)
        .all();
    },

    async replaceToken(token) {
      db.delete(userToken)
        .where(
          and(
            eq(userToken.userId, token.userId),
            eq(userToken.purpose, token.purpose),
            isNull(userToken.usedAt),
          ),
        )
        .run();
      db.insert(userToken).values(token).run();
    },
    async useToken(tokenId: string, purpose: TokenPurpose, now: number) {
      const used = db
        .update(userToken)
        .set({ usedAt: now })
        .where(
          and(
            eq(userToken.id, tokenId),
            eq(userToken.purpose, purpose),
            isNull(userToken.usedAt),
            gt(userToken.expiresAt, now),
          ),
        )
        .returning({ userId: userToken.userId })
        .get();
      return used?.userId ?? null;
    },
  };
}
