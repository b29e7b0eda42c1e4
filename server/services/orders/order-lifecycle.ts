import type { Engine } from '../../../db/engine.js';
import type { Stores } from '../../../db/stores/index.js';
import type { OrderStatus } from '../../../shared/reasons.js';
import { canMove } from '../../domain/order-status.js';
import { AppError } from '../../errors.js';
import { orderEvent, type StockLevel, stockEvent } from '../live/live-events.js';
import { announceOrder } from './order-notifications.js';
import { loadOrder, type Order } from './order-view.js';
import { type OtherAreas, otherAreas } from './other-areas.js';

/** What an order move needs (the tRPC context and the deps fit). */
export interface LifecycleDeps {
  engine: Engine;
}

export interface MoveFacts {
  actorId: string | null;
  note?: string | null | undefined;
  now: number;
  /** Only this user's order may move (customers); admins and jobs pass none. */
  ownerId?: string | undefined;
  /** Statuses this caller may move from (e.g. customers cancel only pending or paid orders). */
  allowedFrom?: readonly OrderStatus[];
}

const invalid = (from: OrderStatus, to: OrderStatus) =>
  new AppError(
    'CONFLICT',
    'INVALID_TRANSITION',
    `An order that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}`,
  );

/** What a move means beyond the status; returns the stock levels it changed (a cancel's restock). */
type MoveWork = (tx: Stores, areas: OtherAreas, from: OrderStatus) => Promise<StockLevel[] | undefined>;

/**
 * Moves an order along its life cycle inside the caller's transaction and records the history
 * entry; `work` does what the move means (restock, mark the payment) in the same transaction. The
 * order's row is locked first (PostgreSQL), so two moves of one order take turns.
 */
async function move(
  tx: Stores,
  areas: OtherAreas,
  orderId: string,
  to: Exclude<OrderStatus, 'pending_payment'>,
  facts: MoveFacts,
  work?: MoveWork,
): Promise<void> {
  const from = await tx.orders.lockOrderStatus(orderId, facts.ownerId);
  if (!from) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such order');
  if (!canMove(from, to) || (facts.allowedFrom && !facts.allowedFrom.includes(from))) throw invalid(from, to);
  if (!(await tx.orders.setOrderStatus(orderId, from, to, facts.now))) throw invalid(from, to);
  const note = facts.note ?? null;
  await tx.orders.addOrderEvent({ orderId, status: to, note, actorId: facts.actorId, now: facts.now });
  const levels = (await work?.(tx, areas, from)) ?? [];
  await announceOrder(tx, areas, orderId, to, facts.now, note);
  await tx.live.append([orderEvent(orderId, `order.${to}`, to), ...levels.map(stockEvent)], facts.now);
}

/** One move in its own transaction, then the order as it now is. */
async function moveAndLoad(
  deps: LifecycleDeps,
  orderId: string,
  to: Exclude<OrderStatus, 'pending_payment'>,
  facts: MoveFacts,
  work?: MoveWork,
): Promise<Order> {
  await deps.engine.transaction((tx) => move(tx, otherAreas(tx), orderId, to, facts, work));
  return loadOrder(deps.engine.read, orderId);
}

/** Marks a manual payment received: pending_payment → paid. */
export function markPaid(deps: LifecycleDeps, orderId: string, facts: MoveFacts): Promise<Order> {
  return moveAndLoad(deps, orderId, 'paid', facts, async (tx) => {
    const row = await tx.orders.paymentOfOrder(orderId);
    const marked =
      row?.provider === 'manual' &&
      (await tx.orders.setPaymentStatus(row.id, 'pending', 'succeeded', facts.now));
    if (!marked) {
      throw new AppError(
        'CONFLICT',
        'INVALID_TRANSITION',
        'Only a pending manual payment can be marked paid by hand',
      );
    }
  });
}

/** A provider confirmed the payment (the caller marked it succeeded): pending_payment → paid. */
export function recordProviderPayment(
  tx: Stores,
  areas: OtherAreas,
  orderId: string,
  now: number,
): Promise<void> {
  return move(tx, areas, orderId, 'paid', {
    actorId: null,
    now,
    note: 'Payment confirmed by the provider',
    allowedFrom: ['pending_payment'],
  });
}

export function fulfill(
  deps: LifecycleDeps,
  orderId: string,
  trackingNumber: string | undefined,
  facts: MoveFacts,
): Promise<Order> {
  return moveAndLoad(deps, orderId, 'fulfilled', facts, async (tx) => {
    if (trackingNumber !== undefined) await tx.orders.setTrackingNumber(orderId, trackingNumber);
  });
}

export function markDelivered(deps: LifecycleDeps, orderId: string, facts: MoveFacts): Promise<Order> {
  return moveAndLoad(deps, orderId, 'delivered', facts);
}

type CancelFacts = MoveFacts & { reason?: 'cancellation' | 'expiry' };

/** What cancelling means, inside the move's transaction (see cancelOrder). */
function undoOrder(orderId: string, facts: CancelFacts): MoveWork {
  return async (tx, areas) => {
    const products = new Map((await tx.orders.orderLines(orderId)).map((l) => [l.variantId, l.productId]));
    const levels: StockLevel[] = [];
    // Sorted by variant id: stock rows are touched in the same order as placeOrder takes them.
    for (const line of await tx.orders.orderStock(orderId)) {
      const available = await areas.changeStock({
        variantId: line.variantId,
        delta: line.quantity,
        reason: facts.reason ?? 'cancellation',
        actorId: facts.actorId,
        orderId,
        now: facts.now,
      });
      const productId = products.get(line.variantId);
      if (available !== null && productId) levels.push({ productId, variantId: line.variantId, available });
    }
    await tx.orders.releaseRedemption(orderId);
    const paid = await tx.orders.paymentOfOrder(orderId);
    if (paid?.status === 'succeeded' && paid.provider === 'manual') {
      await tx.orders.setPaymentStatus(paid.id, 'succeeded', 'refunded', facts.now);
    } else if (paid?.status === 'succeeded') {
      const { id: paymentId, externalId, amount, currency } = paid;
      await areas.enqueueRefund({ orderId, paymentId, externalId, amount, currency }, facts.now);
    } else if (paid?.status === 'pending') {
      await tx.orders.setPaymentStatus(paid.id, 'pending', 'failed', facts.now);
    }
    return levels;
  };
}

/**
 * Cancels an order: every unit goes back to stock through the ledger, the discount use is given
 * back, and a succeeded payment is refunded (a manual one at once; a provider refund through the
 * outbox, so it survives a crash); a still-pending payment is voided.
 */
export function cancelOrder(deps: LifecycleDeps, orderId: string, facts: CancelFacts): Promise<Order> {
  return moveAndLoad(deps, orderId, 'cancelled', facts, undoOrder(orderId, facts));
}

/** Cancels orders left unpaid longer than the timeout, in the caller's transaction (the expiry job's); returns how many. */
export async function expireUnpaid(
  tx: Stores,
  facts: { now: number; timeoutMinutes: number },
): Promise<number> {
  const cutoff = facts.now - facts.timeoutMinutes * 60_000;
  const stale = await tx.orders.staleUnpaidOrders(cutoff, 500);
  const expiry: CancelFacts = {
    actorId: null,
    now: facts.now,
    note: 'Payment not received in time',
    reason: 'expiry',
    allowedFrom: ['pending_payment'],
  };
  let expired = 0;
  for (const id of stale) {
    try {
      // NOTE: the move reads the order's status (locked) before it writes anything, so a refusal
      // leaves this transaction as it was.
      await move(tx, otherAreas(tx), id, 'cancelled', expiry, undoOrder(id, expiry));
      expired += 1;
    } catch (error) {
      // Paid meanwhile: the move is refused and the order stays as it is.
      if (!(error instanceof AppError && error.reason === 'INVALID_TRANSITION')) throw error;
    }
  }
  return expired;
}
