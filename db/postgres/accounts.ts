import { and, asc, eq, gt, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../server/domain/search-query.js';
import type { AccountStore, SessionWithUser, UserListQuery } from '../stores/accounts.js';
import type { PgExecutor } from './client.js';
import { onFirstUse } from './named-statement.js';
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
    // lower() on both: PostgreSQL's LIKE is case-sensitive where SQLite's is not (emails are lower case).
    conditions.push(
      sql`(${user.email} LIKE ${pattern} ESCAPE '\\' OR lower(${user.name}) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (query.after) {
    const { createdAt, id } = query.after;
    const later = or(
      gt(user.createdAt, createdAt),
      and(eq(user.createdAt, createdAt), sql`${user.id} COLLATE "C" > ${id}`),
    );
    if (later) conditions.push(later);
  }
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/** The accounts area's queries on PostgreSQL. */
export function postgresAccounts(db: PgExecutor): AccountStore {
  // A named prepared statement (each pooled connection prepares it once), built on first use.
  const sessionStatement = onFirstUse(() => prepareSessionWithUser(db));
  const first = <T>(rows: T[]): T | null => rows[0] ?? null;
  return {
    async sessionWithUser(sessionId): Promise<SessionWithUser | null> {
      return first(await sessionStatement().execute({ id: sessionId }));
    },
    async insertSession(record, createdAt) {
      await db.insert(session).values({ ...record, createdAt });
    },
    async extendSession(sessionId, expiresAt) {
      await db.update(session).set({ expiresAt }).where(eq(session.id, sessionId));
    },
    async deleteSession(sessionId) {
      await db.delete(session).where(eq(session.id, sessionId));
    },
    async deleteUserSessions(userId, exceptSessionId) {
      const where = exceptSessionId
        ? and(eq(session.userId, userId), ne(session.id, exceptSessionId))
        : eq(session.userId, userId);
      await db.delete(session).where(where);
    },
    async deleteExpiredSessions(now) {
      const deleted = await db.delete(session).where(lt(session.expiresAt, now));
      return deleted.rowCount ?? 0;
    },

    async countAttempt(key, windowMs, now) {
      // One statement: the row lock of the upsert orders concurrent attempts, each counts once.
      const ended = sql`${rateLimit.resetAt} <= ${now}::bigint`;
      const rows = await db
        .insert(rateLimit)
        .values({ key, count: 1, resetAt: now + windowMs })
        .onConflictDoUpdate({
          target: rateLimit.key,
          set: {
            count: sql`CASE WHEN ${ended} THEN 1 ELSE ${rateLimit.count} + 1 END`,
            resetAt: sql`CASE WHEN ${ended} THEN ${now + windowMs}::bigint ELSE ${rateLimit.resetAt} END`,
          },
        })
        .returning({ count: rateLimit.count, resetAt: rateLimit.resetAt });
      const counted = rows[0];
      if (!counted) throw new Error('rate limit upsert returned no row');
      return counted;
    },
    async refundAttempt(key) {
      await db
        .update(rateLimit)
        .set({ count: sql`greatest(${rateLimit.count} - 1, 0)` })
        .where(eq(rateLimit.key, key));
    },
    async deleteSpentRateLimits(now) {
      const deleted = await db.delete(rateLimit).where(lt(rateLimit.resetAt, now));
      return deleted.rowCount ?? 0;
    },

    async userById(id) {
      return first(await db.select(userColumns).from(user).where(eq(user.id, id)));
    },
    async userByEmail(email) {
      return first(await db.select(userColumns).from(user).where(eq(user.email, email)));
    },
    async credentialsById(id) {
      return first(await db.select(credentialColumns).from(user).where(eq(user.id, id)));
    },
    async credentialsByEmail(email) {
      return first(await db.select(credentialColumns).from(user).where(eq(user.email, email)));
    },
    async insertUser(row) {
      // ON CONFLICT DO NOTHING, not a caught 23505: a failed statement would abort the transaction.
      const inserted = await db.insert(user).values(row).onConflictDoNothing().returning({ id: user.id });
      return inserted.length === 1;
    },
    async setPasswordHash(userId, passwordHash, now) {
      await db.update(user).set({ passwordHash, updatedAt: now }).where(eq(user.id, userId));
    },
    async markEmailVerified(userId, now) {
      await db.update(user).set({ emailVerified: true, updatedAt: now }).where(eq(user.id, userId));
    },
    async setRole(userId, role, now) {
      await db.update(user).set({ role, updatedAt: now }).where(eq(user.id, userId));
    },
    async promoteToAdmin(userId, passwordHash, now) {
      const promoted = await db
        .update(user)
        .set({ role: 'admin', updatedAt: now })
        .where(and(eq(user.id, userId), eq(user.passwordHash, passwordHash)))
        .returning({ id: user.id });
      return promoted.length === 1;
    },
    async countAdminsForUpdate() {
      // FOR UPDATE: a concurrent demotion waits for this transaction, then sees one admin fewer.
      const admins = await db.select({ id: user.id }).from(user).where(eq(user.role, 'admin')).for('update');
      return admins.length;
    },
    async listUsers(query) {
      return db
        .select(userColumns)
        .from(user)
        .where(listConditions(query))
        .orderBy(asc(user.createdAt), sql`${user.id} COLLATE "C"`)
        .limit(query.limit);
    },

    async replaceToken(token) {
      await db
        .delete(userToken)
        .where(
          and(
            eq(userToken.userId, token.userId),
            eq(userToken.purpose, token.purpose),
            isNull(userToken.usedAt),
          ),
        );
      await db.insert(userToken).values(token);
    },
    async useToken(tokenId, purpose, now) {
      const used = await db
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
        .returning({ userId: userToken.userId });
      return used[0]?.userId ?? null;
    },
  };
}

function prepareSessionWithUser(db: PgExecutor) {
  return db
    .select({
      session: { id: session.id, userId: session.userId, expiresAt: session.expiresAt },
      user: userColumns,
    })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    .where(eq(session.id, sql.placeholder('id')))
    .prepare('accounts_session_with_user');
}
