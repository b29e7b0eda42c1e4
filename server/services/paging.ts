import { type CursorKeys, decodeCursor, encodeCursor } from '../domain/cursor.js';
import { AppError } from '../errors.js';

/** The keys of a cursor made for `list`; BAD_REQUEST INVALID_CURSOR for anything else. */
export function cursorKeys(cursor: string, list: string, shape: ('number' | 'string')[]): CursorKeys {
  const keys = decodeCursor(cursor, list, shape);
  if (!keys) throw new AppError('BAD_REQUEST', 'INVALID_CURSOR', 'This cursor does not belong to this list');
  return keys;
}

/**
 * One page from `limit + 1` fetched rows: the first `limit`, and a cursor after the last of them
 * when there was one more.
 */
export function toPage<T>(rows: T[], limit: number, list: string, keysOf: (row: T) => CursorKeys) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(list, keysOf(last)) : null,
  };
}
