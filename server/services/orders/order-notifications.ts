import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/sqlite/client.js';
import { preparedQuery } from '../../../db/sqlite/prepared.js';
import { customerOrder, orderLine, user } from '../../../db/sqlite/schema/index.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import { emitWebhookEvent, enqueueMail, type WebhookEvent } from '../integrations/outbox.js';

export type OrderEvent = 'created' | 'paid' | 'fulfilled' | 'delivered' | 'cancelled';

const orderForNotice = (db: Executor) =>
  db
    .select({
      id: customerOrder.id,
      number: customerOrder.number,
      status: customerOrder.status,
      email: customerOrder.email,
      total: customerOrder.total,
      currency: customerOrder.currency,
      trackingNumber: customerOrder.trackingNumber,
      name: user.name,
    })
    .from(customerOrder)
    .innerJoin(user, eq(user.id, customerOrder.userId))
    .where(eq(customerOrder.id, sql.placeholder('orderId')))
    .prepare();

const linesForNotice = (db: Executor) =>
  db
    .select({ name: orderLine.productName, variant: orderLine.variantName, quantity: orderLine.quantity })
    .from(orderLine)
    .where(eq(orderLine.orderId, sql.placeholder('orderId')))
    .orderBy(orderLine.id)
    .prepare();

/**
 * Queues what an order event tells the outside world: the customer's mail and the merchants'
 * webhooks. Runs inside the transaction of the change, so nothing goes out for a rollback.
 */
export function notifyOrder(
  tx: Executor,
  orderId: string,
  event: OrderEvent,
  now: number,
  note: string | null = null,
): void {
  const order = preparedQuery(tx, 'order-for-notice', orderForNotice).get({ orderId });
  if (!order) return;
  const { name, number, total, currency } = order;
  let mail: MailTemplate | null = null;
  if (event === 'created') {
    const items = preparedQuery(tx, 'order-lines-for-notice', linesForNotice)
      .all({ orderId })
      .map((l) => ({ name: `${l.name} (${l.variant})`, quantity: l.quantity }));
    mail = { template: 'order_confirmation', name, number, total, currency, items };
  } else if (event === 'paid') {
    mail = { template: 'payment_received', name, number, total, currency };
  } else if (event === 'fulfilled') {
    mail = { template: 'order_shipped', name, number, trackingNumber: order.trackingNumber };
  } else if (event === 'cancelled') {
    mail = { template: 'order_cancelled', name, number, note };
  }
  if (mail) enqueueMail(tx, order.email, mail, now);
  const data = {
    id: order.id,
    number,
    status: order.status,
    email: order.email,
    total,
    currency,
    trackingNumber: order.trackingNumber,
  };
  emitWebhookEvent(tx, `order.${event}` as WebhookEvent, data, now);
}
