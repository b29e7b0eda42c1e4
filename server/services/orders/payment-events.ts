import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { customerOrder, payment, paymentEvent } from '../../../db/sqlite/schema/index.js';
import type { PaymentEvent } from '../../integrations/payments/index.js';
import { enqueueRefund } from '../integrations/outbox.js';
import { recordProviderPayment } from './orders.js';

export type EventOutcome = 'applied' | 'duplicate' | 'ignored' | 'rejected' | 'refunding';

function paymentFor(tx: Executor, intentId: string | null | undefined) {
  if (!intentId) return undefined;
  return tx
    .select()
    .from(payment)
    .where(and(eq(payment.provider, 'stripe'), eq(payment.externalId, intentId)))
    .get();
}

function handle(tx: Executor, event: PaymentEvent, now: number): EventOutcome {
  const object = event.data.object;
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const row = paymentFor(tx, object.id);
      if (!row || row.status === 'succeeded' || row.status === 'refunded') return 'ignored'; // never backwards
      const amount = object.amount_received ?? object.amount;
      if (amount !== row.amount || object.currency?.toUpperCase() !== row.currency) return 'rejected';
      tx.update(payment).set({ status: 'succeeded', updatedAt: now }).where(eq(payment.id, row.id)).run();
      const order = tx
        .select({ status: customerOrder.status })
        .from(customerOrder)
        .where(eq(customerOrder.id, row.orderId))
        .get();
      if (order?.status === 'pending_payment') {
        recordProviderPayment(tx, row.orderId, now);
        return 'applied';
      }
      // Paid after the order was cancelled (e.g. it expired): give the money back.
      enqueueRefund(
        tx,
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
      const row = paymentFor(tx, object.id);
      if (row?.status !== 'pending') return 'ignored';
      tx.update(payment).set({ status: 'failed', updatedAt: now }).where(eq(payment.id, row.id)).run();
      return 'applied';
    }
    case 'charge.refunded': {
      const row = paymentFor(tx, object.payment_intent);
      if (!row || row.status === 'refunded') return 'ignored';
      if (object.refunded !== true && object.amount_refunded !== row.amount) return 'ignored'; // partial refund
      tx.update(payment).set({ status: 'refunded', updatedAt: now }).where(eq(payment.id, row.id)).run();
      return 'applied';
    }
    default:
      return 'ignored';
  }
}

/**
 * Applies a verified provider event exactly once: the event id is recorded in the same IMMEDIATE
 * transaction as its effect, so a duplicate (or a concurrent copy) finds it and changes nothing.
 * A payment whose amount or currency differs from the order's is refused and never marks it paid.
 */
export function applyPaymentEvent(db: Executor, event: PaymentEvent, now: number): EventOutcome {
  return db.transaction(
    (tx) => {
      const seen = tx
        .select({ id: paymentEvent.id })
        .from(paymentEvent)
        .where(eq(paymentEvent.id, event.id))
        .get();
      if (seen) return 'duplicate';
      const outcome = handle(tx, event, now);
      tx.insert(paymentEvent).values({ id: event.id, type: event.type, outcome, receivedAt: now }).run();
      return outcome;
    },
    { behavior: 'immediate' },
  );
}
