import type { Engine } from '../../db/engine.js';

export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type LimitResult = { ok: true } | { ok: false; retryAt: number };

/** Thrown inside the transaction to roll back the counts of a refused attempt. */
class AttemptRefused extends Error {
  constructor(readonly retryAt: number) {
    super('rate limited');
  }
}

/**
 * Counts one attempt against every rule, all or none, in one transaction: each rule's counter is
 * an atomic upsert (correct across processes), and when any rule went past its limit the
 * transaction rolls back, so a refused attempt counts nowhere. Rules are counted in key order so
 * that two transactions never wait for each other's rows in opposite orders (PostgreSQL).
 */
export async function consumeAttempt(engine: Engine, rules: LimitRule[], now: number): Promise<LimitResult> {
  const ordered = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  try {
    return await engine.transaction(async (tx) => {
      const blockedUntil: number[] = [];
      for (const rule of ordered) {
        const counted = await tx.accounts.countAttempt(rule.key, rule.windowMs, now);
        if (counted.count > rule.limit) blockedUntil.push(counted.resetAt);
      }
      if (blockedUntil.length > 0) throw new AttemptRefused(Math.max(...blockedUntil));
      return { ok: true } as const;
    });
  } catch (error) {
    if (error instanceof AttemptRefused) return { ok: false, retryAt: error.retryAt };
    throw error;
  }
}

/** Takes back one counted attempt per rule (it turned out not to be a failure). */
export function refundAttempt(engine: Engine, rules: LimitRule[]): Promise<void> {
  const ordered = [...rules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return engine.transaction(async (tx) => {
    for (const rule of ordered) await tx.accounts.refundAttempt(rule.key);
  });
}
