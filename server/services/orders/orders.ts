/*
 * LEGACY (synchronous, SQLite only), kept unchanged for the other areas that import it until the lead
 * rewires them: expireUnpaidOrders (jobs) → order-lifecycle.expireUnpaid, hasBought (reviews) →
 * Stores.orders.hasBought. Every other order move lives in order-lifecycle.ts.
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import {
  customerOrder,
  discount,
  discountRedemption,
  orderEvent,
  orderLine,
  payment,
} from '../../../db/sqlite/schema/index.js';
import type { OrderStatus } from '../../../shared/reasons.js';
import { canMove } from '../../domain/order-status.js';
import { AppError } from '../../errors.js';
import { changeStock } from '../catalog/inventory.js';
import { enqueueRefund } from '../integrations/outbox.js';
import { notifyOrder } from './order-notifications.js';

interface MoveFacts {
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

/**
 * Moves an order along its life cycle in one IMMEDIATE transaction and records the history entry.
 * `work` does what the move means (restock, mark the payment) inside the same transaction.
 */
function move(
  db: Executor,
  orderId: string,
  to: Exclude<OrderStatus, 'pending_payment'>,
  facts: MoveFacts,
  work?: (tx: Executor, from: OrderStatus) => void,
): void {
  db.transaction(
    (tx) => {
      const scope = facts.ownerId
        ? and(eq(customerOrder.id, orderId), eq(customerOrder.userId, facts.ownerId))
        : eq(customerOrder.id, orderId);
      const row = tx.select({ status: customerOrder.status }).from(customerOrder).where(scope).get();
      if (!row) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such order');
      if (!canMove(row.status, to) || (facts.allowedFrom && !facts.allowedFrom.includes(row.status))) {
        throw invalid(row.status, to);
      }
      tx.update(customerOrder)
        .set({ status: to, updatedAt: facts.now })
        .where(and(eq(customerOrder.id, orderId), eq(customerOrder.status, row.status)))
        .run();
      tx.insert(orderEvent)
        .values({
          orderId,
          status: to,
          note: facts.note ?? null,
          actorId: facts.actorId,
          createdAt: facts.now,
        })
        .run();
      work?.(tx, row.status);
      notifyOrder(tx, orderId, to, facts.now, facts.note ?? null);
    },
    { behavior: 'immediate' },
  );
}

/**
 * Cancels an order: every unit goes back to stock through the ledger, the discount use is given
 * back, and a succeeded payment is refunded (a manual one at once; a provider refund through the
 * outbox, so it survives a crash); a still-pending payment is voided.
 */
function cancelOrder(
  db: Executor,
  orderId: string,
  facts: MoveFacts & { reason?: 'cancellation' | 'expiry' },
): void {
  move(db, orderId, 'cancelled', facts, (tx) => {
    const lines = tx
      .select({ variantId: orderLine.variantId, quantity: orderLine.quantity })
      .from(orderLine)
      .where(eq(orderLine.orderId, orderId))
      .all();
    for (const line of lines) {
      changeStock(tx, {
        variantId: line.variantId,
        delta: line.quantity,
        reason: facts.reason ?? 'cancellation',
        actorId: facts.actorId,
        orderId,
        now: facts.now,
      });
    }
    const redemption = tx
      .delete(discountRedemption)
      .where(eq(discountRedemption.orderId, orderId))
      .returning({ discountId: discountRedemption.discountId })
      .get();
    if (redemption) {
      tx.update(discount)
        .set({ redemptions: sql`max(${discount.redemptions} - 1, 0)` })
        .where(eq(discount.id, redemption.discountId))
        .run();
    }
    const paid = tx.select().from(payment).where(eq(payment.orderId, orderId)).get();
    if (paid?.status === 'succeeded' && paid.provider === 'manual') {
      tx.update(payment)
        .set({ status: 'refunded', updatedAt: facts.now })
        .where(eq(payment.id, paid.id))
        .run();
    } else if (paid?.status === 'succeeded') {
      const { id: paymentId, externalId, amount, currency } = paid;
      enqueueRefund(tx, { orderId, paymentId, externalId, amount, currency }, facts.now);
    } else if (paid?.status === 'pending') {
      tx.update(payment).set({ status: 'failed', updatedAt: facts.now }).where(eq(payment.id, paid.id)).run();
    }
  });
}

/** Cancels orders left unpaid longer than the timeout; returns how many. */
export function expireUnpaidOrders(db: Executor, facts: { now: number; timeoutMinutes: number }): number {
  const cutoff = facts.now - facts.timeoutMinutes * 60_000;
  const stale = db
    .select({ id: customerOrder.id })
    .from(customerOrder)
    .where(and(eq(customerOrder.status, 'pending_payment'), lt(customerOrder.createdAt, cutoff)))
    .limit(500)
    .all();
  let expired = 0;
  for (const { id } of stale) {
    try {
      cancelOrder(db, id, {
        actorId: null,
        now: facts.now,
        note: 'Payment not received in time',
        reason: 'expiry',
        allowedFrom: ['pending_payment'],
      });
      expired += 1;
    } catch (error) {
      // Paid meanwhile: the move is refused and the order stays as it is.
      if (!(error instanceof AppError && error.reason === 'INVALID_TRANSITION')) throw error;
    }
  }
  return expired;
}

/** True when the user bought the product in an order that was paid (and not cancelled). */
export function hasBought(db: Executor, userId: string, productId: string): boolean {
  return (
    db
      .select({ id: customerOrder.id })
      .from(orderLine)
      .innerJoin(customerOrder, eq(customerOrder.id, orderLine.orderId))
      .where(
        and(
          eq(orderLine.productId, productId),
          eq(customerOrder.userId, userId),
          inArray(customerOrder.status, ['paid', 'fulfilled', 'delivered']),
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}
