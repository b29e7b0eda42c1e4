import type { OrderStatus } from '../../shared/reasons.js';

/** The order life cycle of the API reference (docs/api/orders.md): every allowed move; anything else is INVALID_TRANSITION. */
export const ORDER_MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['fulfilled', 'cancelled'],
  fulfilled: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_MOVES[from].includes(to);
}

/** The statuses a customer may cancel their own order from: before it is fulfilled. */
export const CUSTOMER_CANCELLABLE: readonly OrderStatus[] = ['pending_payment', 'paid'];
