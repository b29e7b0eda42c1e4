import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Accounts. Timestamps are epoch milliseconds; the API turns them into ISO strings. */
export const user = sqliteTable(
  'user',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['customer', 'admin'] })
      .notNull()
      .default('customer'),
    emailVerified: integer('email_verified', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    check('user_role_check', sql`${t.role} in ('customer', 'admin')`),
    check('user_email_lower_check', sql`${t.email} = lower(${t.email})`),
    index('user_created_at_idx').on(t.createdAt),
  ],
);

/** Lucia-style sessions: the id is the SHA-256 of the cookie token, never the token itself. */
export const session = sqliteTable(
  'session',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('session_user_id_idx').on(t.userId), index('session_expires_at_idx').on(t.expiresAt)],
);

/** Fixed-window counters for rate limits, shared by every process on the database. */
export const rateLimit = sqliteTable(
  'rate_limit',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    resetAt: integer('reset_at').notNull(),
  },
  (t) => [
    check('rate_limit_count_check', sql`${t.count} >= 0`),
    index('rate_limit_reset_at_idx').on(t.resetAt),
  ],
);
