import { describe, expect, it } from 'vitest';
import { outboxMessageId } from '../../server/services/integrations/outbox-messages.js';

describe('outbox message ids', () => {
  it('sort as the messages were queued, within one millisecond and across them', () => {
    const start = Date.UTC(2026, 5, 1);
    const ids = Array.from({ length: 5000 }, (_, i) => outboxMessageId(start + Math.floor(i / 100)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('look like every other id: 24 characters of [a-z2-7]', () => {
    for (const now of [0, 1, Date.UTC(2026, 5, 1), 2 ** 48 - 1]) {
      expect(outboxMessageId(now)).toMatch(/^[a-z2-7]{24}$/);
    }
  });

  it('order by time first: an earlier message sorts first whatever was queued in between', () => {
    const later = outboxMessageId(2000);
    expect(outboxMessageId(1000) < later).toBe(true);
  });
});
