import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/client.js';
import { rateLimit } from '../../db/sqlite/schema/index.js';

export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type LimitResult = { ok: true } | { ok: false; retryAt: number };

/**
 * Counts one attempt against every rule, all or none, in one IMMEDIATE transaction so that
 * concurrent calls (a batch, another process) each count. Refused when any rule is at its limit.
 */
export function consumeAttempt(db: Db, rules: LimitRule[], now: number): LimitResult {
  return db.transaction(
    (tx) => {
      const rows = rules.map((rule) => ({
        rule,
        row: tx.select().from(rateLimit).where(eq(rateLimit.key, rule.key)).get(),
      }));
      const blocked = rows.filter(({ rule, row }) => row && row.resetAt > now && row.count >= rule.limit);
      if (blocked.length > 0)
        return { ok: false, retryAt: Math.max(...blocked.map(({ row }) => row?.resetAt ?? now)) };
      for (const { rule, row } of rows) {
        const fresh = !row || row.resetAt <= now;
        tx.insert(rateLimit)
          .values({ key: rule.key, count: 1, resetAt: now + rule.windowMs })
          .onConflictDoUpdate({
            target: rateLimit.key,
            set: fresh ? { count: 1, resetAt: now + rule.windowMs } : { count: sql`${rateLimit.count} + 1` },
          })
          .run();
      }
      return { ok: true } as const;
    },
    { behavior: 'immediate' },
  );
}

/** Takes back one counted attempt (it turned out not to be a failure). */
export function refundAttempt(db: Db, rules: LimitRule[]): void {
  db.transaction(
    (tx) => {
      for (const rule of rules) {
        tx.update(rateLimit)
          .set({ count: sql`max(${rateLimit.count} - 1, 0)` })
          .where(eq(rateLimit.key, rule.key))
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}
