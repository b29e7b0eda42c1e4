import type { NewLiveEvent } from '../../../db/stores/live.js';
import type { OrderStatus } from '../../../shared/reasons.js';

/**
 * The live events a change writes (in its own transaction, see db/stores/live.ts), built in one
 * place so that the writers and the subscriptions (server/live) agree on kinds and data.
 */

/** A move of an order's status, the five that admin.orders.watch reports. */
export type OrderMoveKind =
  | 'order.created'
  | 'order.paid'
  | 'order.fulfilled'
  | 'order.delivered'
  | 'order.cancelled';
/** Any order event: a move, or `order.updated` (the payment changed, the status did not). */
export type OrderEventKind = OrderMoveKind | 'order.updated';

export const ORDER_MOVE_KINDS: readonly string[] = [
  'order.created',
  'order.paid',
  'order.fulfilled',
  'order.delivered',
  'order.cancelled',
] satisfies OrderMoveKind[];

// A variant's stock event is built beside the rows (db/stores/live.ts): PostgreSQL's placeOrder
// statement writes the same in SQL.
export { type StockLevel, stockChangedEvent as stockEvent } from '../../../db/stores/live.js';

/** An order event; `status` is the order's status once the change committed (null: unchanged). */
export function orderEvent(orderId: string, kind: OrderEventKind, status: OrderStatus | null): NewLiveEvent {
  return { topic: 'order', kind, orderId, data: JSON.stringify({ status }) };
}

/** A session ended (sign-out, or replaced at sign-in): its subscriptions end on every process. */
export function sessionEndedEvent(sessionId: string): NewLiveEvent {
  return { topic: 'session', kind: 'session.ended', data: JSON.stringify({ sessionId }) };
}
