import { and, asc, count, eq, gt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { user } from '../../db/schema/index.js';
import { sessionUserColumns } from '../auth/sessions.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { escapeLike } from '../domain/search-query.js';
import { AppError } from '../errors.js';
import { toUser } from './auth.js';

const columns = sessionUserColumns;

/** Accounts, oldest first; `q` matches email or name anywhere (LIKE, escaped). */
export function listUsers(
  db: Executor,
  input: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const conditions = [];
  if (input.q) {
    const pattern = `%${escapeLike(input.q.toLowerCase())}%`;
    conditions.push(
      sql`(${user.email} LIKE ${pattern} ESCAPE '\\' OR lower(${user.name}) LIKE ${pattern} ESCAPE '\\')`,
    );
  }
  if (input.cursor !== undefined) {
    const keys = decodeCursor(input.cursor, 'users', ['number', 'string']);
    if (!keys)
      throw new AppError('BAD_REQUEST', 'INVALID_CURSOR', 'This cursor does not belong to this list');
    const [at, id] = keys as [number, string];
    conditions.push(or(gt(user.createdAt, at), and(eq(user.createdAt, at), gt(user.id, id))));
  }
  const rows = db
    .select(columns)
    .from(user)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(user.createdAt), asc(user.id))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(toUser),
    nextCursor: rows.length > input.limit && last ? encodeCursor('users', [last.createdAt, last.id]) : null,
  };
}

/** Changes a role; the last admin cannot be demoted (CONFLICT LAST_ADMIN). */
export function setRole(db: Executor, input: { id: string; role: 'customer' | 'admin' }, now: number) {
  return db.transaction(
    (tx) => {
      const target = tx.select(columns).from(user).where(eq(user.id, input.id)).get();
      if (!target) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such user');
      if (target.role === 'admin' && input.role === 'customer') {
        const admins = tx.select({ n: count() }).from(user).where(eq(user.role, 'admin')).get()?.n ?? 0;
        if (admins <= 1) throw new AppError('CONFLICT', 'LAST_ADMIN', 'The shop needs at least one admin');
      }
      tx.update(user).set({ role: input.role, updatedAt: now }).where(eq(user.id, input.id)).run();
      return toUser({ ...target, role: input.role });
    },
    { behavior: 'immediate' },
  );
}
