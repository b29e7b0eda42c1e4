import type pg from 'pg';
import { LIVE_CHANNEL } from './live.js';

/**
 * Tells every process's LISTEN connection that live events up to an id have committed. Sent after
 * the writing transaction commits, never inside it: PostgreSQL serialises the commits of all
 * transactions that NOTIFY (one database-wide lock held through the WAL flush), which capped every
 * writer that appends live events at one commit per fsync (pgbench here: 1,710 commits/s without
 * a NOTIFY, 228/s with one). Sends are coalesced: one in flight per process, and the ones asked for
 * meanwhile become one more carrying the highest id. The notification's own tiny transaction commits
 * with synchronous_commit off: a lost notification only delays delivery until the listeners' safety
 * poll, since the events themselves committed durably with their change.
 */
export class LiveNotifier {
  private pending = 0;
  private sending: Promise<void> | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** Notifies (soon, once) that events up to `lastId` committed. Never throws. */
  notify(lastId: number): void {
    if (!Number.isSafeInteger(lastId) || lastId <= 0) return;
    this.pending = Math.max(this.pending, lastId);
    this.sending ??= this.drain();
  }

  /** Resolves once nothing is being sent (before the pool closes). */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    while (this.pending > 0) {
      const id = this.pending;
      this.pending = 0;
      // One round trip, simple protocol: the id is a safe integer, so it is inlined as digits only.
      await this.pool
        .query(
          `BEGIN; SET LOCAL synchronous_commit TO OFF; SELECT pg_notify('${LIVE_CHANNEL}', '${id}'); COMMIT`,
        )
        .catch(() => {
          // The database is unreachable: the listeners' safety poll reads these events later.
        });
    }
    this.sending = null;
  }
}
