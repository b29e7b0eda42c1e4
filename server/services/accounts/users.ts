import { and, asc, count, eq, gt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { user } from '../../../db/sqlite/schema/index.js';
import { sessionUserColumns } from '../../auth/sessions.js';
import { escapeLike } from '../../domain/search-query.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';
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
    const [at, id] = cursorKeys(input.cursor, 'users', ['number', 'string']) as [number, string];
    conditions.push(or(gt(user.createdAt, at), and(eq(user.createdAt, at), gt(user.id, id))));
  }
  const rows = db
    .select(columns)
    .from(user)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(user.createdAt), asc(user.id))
    .limit(input.limit + 1)
    .all();
  const page = toPage(rows, input.limit, 'users', (r) => [r.createdAt, r.id]);
  return { ...page, items: page.items.map(toUser) };
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
