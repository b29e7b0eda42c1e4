import { z } from 'zod';
import type { LiveEventRow } from '../../db/stores/live.js';
import { ORDER_STATUSES } from '../../shared/reasons.js';

/** What an event row's JSON says (see server/services/live/live-events.ts, which writes it). */
const payloadSchema = z.object({
  status: z.enum(ORDER_STATUSES).nullish(),
  available: z.number().int().optional(),
  sessionId: z.string().optional(),
});

export type LivePayload = z.output<typeof payloadSchema>;

/** An event as the bus hands it out: the row, its JSON parsed once for every subscriber. */
export interface LiveEvent extends Omit<LiveEventRow, 'data'> {
  payload: LivePayload;
}

/** Parses a row's data once; a row this version cannot read says nothing (an empty payload). */
export function toLiveEvent(row: LiveEventRow): LiveEvent {
  let payload: LivePayload = {};
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(row.data));
    if (parsed.success) payload = parsed.data;
  } catch {
    // malformed JSON: an empty payload
  }
  const { data: _data, ...rest } = row;
  return { ...rest, payload };
}
