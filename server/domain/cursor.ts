import { z } from 'zod';

const payload = z.object({
  s: z.string(),
  k: z
    .array(z.union([z.number(), z.string()]))
    .min(1)
    .max(4),
});

export type CursorKeys = (number | string)[];

/** An opaque keyset cursor: the sort it belongs to and the sort keys of the last item served. */
export function encodeCursor(sort: string, keys: CursorKeys): string {
  return Buffer.from(JSON.stringify({ s: sort, k: keys })).toString('base64url');
}

/** The keys of a cursor made for `sort`, or null when it is malformed or from another sort. */
export function decodeCursor(
  cursor: string,
  sort: string,
  shape: ('number' | 'string')[],
): CursorKeys | null {
  try {
    const parsed = payload.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.s !== sort || parsed.data.k.length !== shape.length) return null;
    const keys = parsed.data.k;
    return shape.every(
      (type, i) => typeof keys[i] === type && (type !== 'number' || Number.isFinite(keys[i])),
    )
      ? keys
      : null;
  } catch {
    return null;
  }
}
