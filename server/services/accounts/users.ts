import type { Engine } from '../../../db/engine.js';
import type { Role } from '../../../db/stores/accounts.js';
import type { Stores } from '../../../db/stores/index.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';
import { toUser } from './auth.js';

/** Accounts, oldest first; `q` matches email or name anywhere (LIKE, escaped). */
export async function listUsers(
  s: Stores,
  input: { q?: string | undefined; limit: number; cursor?: string | undefined },
) {
  let after: { createdAt: number; id: string } | undefined;
  if (input.cursor !== undefined) {
    const [createdAt, id] = cursorKeys(input.cursor, 'users', ['number', 'string']) as [number, string];
    after = { createdAt, id };
  }
  const rows = await s.accounts.listUsers({
    q: input.q ? input.q.toLowerCase() : undefined,
    after,
    limit: input.limit + 1,
  });
  const page = toPage(rows, input.limit, 'users', (r) => [r.createdAt, r.id]);
  return { ...page, items: page.items.map(toUser) };
}

/** Changes a role; the last admin cannot be demoted (CONFLICT LAST_ADMIN). */
export function setRole(engine: Engine, input: { id: string; role: Role }, now: number) {
  return engine.transaction(async (tx) => {
    const target = await tx.accounts.userById(input.id);
    if (!target) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such user');
    if (target.role === 'admin' && input.role === 'customer') {
      if ((await tx.accounts.countAdminsForUpdate()) <= 1)
        throw new AppError('CONFLICT', 'LAST_ADMIN', 'The shop needs at least one admin');
    }
    await tx.accounts.setRole(input.id, input.role, now);
    return toUser({ ...target, role: input.role });
  });
}
