import type { Stores } from '../../../db/stores/index.js';
import type {
  NewOrder,
  OrderHistoryRow,
  OrderLineRow,
  OrderRow,
  PaymentView,
} from '../../../db/stores/orders.js';
import type { OrderStatus } from '../../../shared/reasons.js';
import { AppError } from '../../errors.js';
import { cursorKeys, toPage } from '../paging.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface AddressJson {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  region?: string | undefined;
  postalCode: string;
  country: string;
  phone?: string | undefined;
}

export type Payment = PaymentView;

/** the API reference's Order, from its row, lines and history. */
function orderView(row: OrderRow, lines: OrderLineRow[], history: OrderHistoryRow[]) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    items: lines,
    currency: row.currency,
    subtotal: row.subtotal,
    discount: row.discountCode ? { code: row.discountCode, amount: row.discountAmount } : null,
    shipping: { optionId: row.shippingOptionId, name: row.shippingName, price: row.shippingPrice },
    tax: row.tax,
    total: row.total,
    shippingAddress: JSON.parse(row.shippingAddress) as AddressJson,
    payment: row.payment,
    trackingNumber: row.trackingNumber,
    history: history.map((h) => ({ status: h.status, at: iso(h.createdAt), note: h.note })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export type Order = ReturnType<typeof orderView>;

/** the API reference's Order. With `userId`, only that user's order is found (others look missing). */
export async function loadOrder(s: Stores, id: string, scope: { userId?: string } = {}): Promise<Order> {
  const row = await s.orders.order(id, scope.userId);
  if (!row) throw new AppError('NOT_FOUND', 'NOT_FOUND', 'No such order');
  const lines = await s.orders.orderLines(id);
  const history = await s.orders.orderHistory(id);
  return orderView(row, lines, history);
}

/**
 * The Order placeOrder has just inserted, from what it inserted (no read back): pending payment, its
 * payment pending with no client secret yet, one history entry. The same view loadOrder builds.
 */
export function newOrderView(order: NewOrder, number: number): Order {
  const row: OrderRow = {
    ...order,
    number,
    status: 'pending_payment',
    trackingNumber: null,
    createdAt: order.now,
    updatedAt: order.now,
    payment: {
      id: order.payment.id,
      provider: order.payment.provider,
      status: 'pending',
      amount: order.total,
      currency: order.currency,
      clientSecret: null,
    },
  };
  return orderView(row, order.lines, [{ status: 'pending_payment', createdAt: order.now, note: null }]);
}

/** An admin's order search: an order number (`1042`, `#1042`), or part of the customer's email. */
function orderSearch(q: string) {
  const number = /^#?(\d{1,12})$/.exec(q)?.[1];
  return number ? { number: Number(number) } : { emailContains: q.toLowerCase() };
}

/** A page of order summaries, newest first, keyset on (createdAt, id). */
export async function listOrderSummaries(
  s: Stores,
  filter: { userId?: string; status?: OrderStatus; search?: string },
  page: { limit: number; cursor?: string | undefined },
) {
  let before: { createdAt: number; id: string } | undefined;
  if (page.cursor !== undefined) {
    const [createdAt, id] = cursorKeys(page.cursor, 'orders', ['number', 'string']) as [number, string];
    before = { createdAt, id };
  }
  const rows = await s.orders.orderSummaries(
    {
      ...(filter.userId && { userId: filter.userId }),
      ...(filter.status && { status: filter.status }),
      ...(filter.search && orderSearch(filter.search)),
    },
    { limit: page.limit + 1, ...(before && { before }) },
  );
  const result = toPage(rows, page.limit, 'orders', (r) => [r.createdAt, r.id]);
  return { ...result, items: result.items.map((r) => ({ ...r, createdAt: iso(r.createdAt) })) };
}
