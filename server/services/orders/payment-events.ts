import type { Stores } from '../../../db/stores/index.js';
import type { PaymentEvent } from '../../integrations/payments/index.js';
import { orderEvent } from '../live/live-events.js';
import { type LifecycleDeps, recordProviderPayment } from './order-lifecycle.js';
import { type OtherAreas, otherAreas } from './other-areas.js';

export type EventOutcome = 'applied' | 'duplicate' | 'ignored' | 'rejected' | 'refunding';

async function paymentFor(tx: Stores, intentId: string | null | undefined) {
  return intentId ? tx.orders.paymentByIntent(intentId) : undefined;
}

async function handle(
  tx: Stores,
  areas: OtherAreas,
  event: PaymentEvent,
  now: number,
): Promise<EventOutcome> {
  const object = event.data.object;
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const row = await paymentFor(tx, object.id);
      if (!row || row.status === 'succeeded' || row.status === 'refunded') return 'ignored'; // never backwards
      const amount = object.amount_received ?? object.amount;
      if (amount !== row.amount || object.currency?.toUpperCase() !== row.currency) return 'rejected';
      await tx.orders.setPaymentStatus(row.id, row.status, 'succeeded', now);
      const order = await tx.orders.lockOrderStatus(row.orderId);
      if (order === 'pending_payment') {
        await recordProviderPayment(tx, areas, row.orderId, now);
        return 'applied';
      }
      // Paid after the order was cancelled (e.g. it expired): give the money back.
      await tx.live.append([orderEvent(row.orderId, 'order.updated', null)], now);
      await areas.enqueueRefund(
        {
          orderId: row.orderId,
          paymentId: row.id,
          externalId: row.externalId,
          amount: row.amount,
          currency: row.currency,
        },
        now,
      );
      return 'refunding';
    }
    case 'payment_intent.payment_failed': {
      const row = await paymentFor(tx, object.id);
      if (row?.status !== 'pending') return 'ignored';
      await tx.orders.setPaymentStatus(row.id, 'pending', 'failed', now);
      await tx.live.append([orderEvent(row.orderId, 'order.updated', null)], now);
      return 'applied';
    }
    case 'charge.refunded': {
      const row = await paymentFor(tx, object.payment_intent);
      if (!row || row.status === 'refunded') return 'ignored';
      if (object.refunded !== true && object.amount_refunded !== row.amount) return 'ignored'; // partial refund
      await tx.orders.setPaymentStatus(row.id, row.status, 'refunded', now);
      await tx.live.append([orderEvent(row.orderId, 'order.updated', null)], now);
      return 'applied';
    }
    default:
      return 'ignored';
  }
}

/**
 * Applies a verified provider event exactly once: the event id is claimed first, in the same
 * transaction as its effect, so a duplicate finds it and changes nothing (on PostgreSQL a
 * concurrent copy waits on the id's unique key and then finds it). A payment whose amount or
 * currency differs from the order's is refused and never marks it paid.
 */
export function applyPaymentEvent(
  deps: LifecycleDeps,
  event: PaymentEvent,
  now: number,
): Promise<EventOutcome> {
  return deps.engine.transaction(async (tx) => {
    if (!(await tx.orders.claimPaymentEvent({ id: event.id, type: event.type, now }))) return 'duplicate';
    const outcome = await handle(tx, otherAreas(tx), event, now);
    await tx.orders.setPaymentEventOutcome(event.id, outcome);
    return outcome;
  });
}
