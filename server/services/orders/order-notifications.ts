import type { Stores } from '../../../db/stores/index.js';
import type { NewOutboxMessage, WebhookRow } from '../../../db/stores/integrations.js';
import type { OrderNoticeRow } from '../../../db/stores/orders.js';
import type { MailTemplate } from '../../integrations/mail/templates.js';
import type { WebhookEvent } from '../integrations/outbox.js';
import { mailMessage, webhookMessages } from '../integrations/outbox-messages.js';
import type { Order } from './order-view.js';
import type { OtherAreas } from './other-areas.js';

export type OrderEvent = 'created' | 'paid' | 'fulfilled' | 'delivered' | 'cancelled';

type NoticeLine = { name: string; variant: string; quantity: number };

/** The customer's mail for an order event (none for some events). */
function mailFor(order: OrderNoticeRow, lines: NoticeLine[], event: OrderEvent, note: string | null) {
  const { name, number, total, currency } = order;
  let mail: MailTemplate | null = null;
  if (event === 'created') {
    const items = lines.map((l) => ({ name: `${l.name} (${l.variant})`, quantity: l.quantity }));
    mail = { template: 'order_confirmation', name, number, total, currency, items };
  } else if (event === 'paid') {
    mail = { template: 'payment_received', name, number, total, currency };
  } else if (event === 'fulfilled') {
    mail = { template: 'order_shipped', name, number, trackingNumber: order.trackingNumber };
  } else if (event === 'cancelled') {
    mail = { template: 'order_cancelled', name, number, note };
  }
  return mail;
}

/** What the merchants' webhooks receive about the order. */
const webhookData = (order: OrderNoticeRow) => ({
  id: order.id,
  number: order.number,
  status: order.status,
  email: order.email,
  total: order.total,
  currency: order.currency,
  trackingNumber: order.trackingNumber,
});

/**
 * Queues what an order event tells the outside world: the customer's mail and the merchants'
 * webhooks (the integrations area's outbox). Runs inside the transaction of the change (`tx`, and
 * `areas` built on it), so nothing goes out for a rollback.
 */
export async function announceOrder(
  tx: Stores,
  areas: OtherAreas,
  orderId: string,
  event: OrderEvent,
  now: number,
  note: string | null = null,
): Promise<void> {
  const order = await tx.orders.orderForNotice(orderId);
  if (!order) return;
  const lines = event === 'created' ? await tx.orders.linesForNotice(orderId) : [];
  await announce(areas, { order, lines, event, note }, now);
}

/**
 * The outbox messages of an order placeOrder has just written (its confirmation mail, one delivery
 * per webhook subscribed to `order.created`), built from its Order, not read back: placeOrder
 * queues them with the rest of its writes (db/stores/checkout.ts).
 */
export function createdOrderMessages(
  order: Order,
  customerName: string,
  webhooks: Pick<WebhookRow, 'id' | 'events'>[],
  now: number,
): NewOutboxMessage[] {
  const { id, number, status, email, total, currency, trackingNumber } = order;
  const lines = order.items.map((l) => ({
    name: l.productName,
    variant: l.variantName,
    quantity: l.quantity,
  }));
  const notice = { id, number, status, email, total, currency, trackingNumber, name: customerName };
  const mail = mailFor(notice, lines, 'created', null);
  return [
    ...(mail ? [mailMessage(email, mail, now)] : []),
    ...webhookMessages(webhooks, 'order.created', webhookData(notice), now),
  ];
}

/** What announceOrder queues, for the order and lines given. */
async function announce(
  areas: OtherAreas,
  notice: { order: OrderNoticeRow; lines: NoticeLine[]; event: OrderEvent; note: string | null },
  now: number,
): Promise<void> {
  const { order, lines, event, note } = notice;
  const mail = mailFor(order, lines, event, note);
  if (mail) await areas.enqueueMail(order.email, mail, now);
  await areas.emitWebhookEvent(`order.${event}` as WebhookEvent, webhookData(order), now);
}
