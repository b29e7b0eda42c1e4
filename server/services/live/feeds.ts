import type { Engine } from '../../../db/engine.js';
import type { LiveEvent } from '../../live/live-event.js';
import type { Feed } from '../../live/watch.js';
import { loadOrder, type Order } from '../orders/order-view.js';
import { ORDER_MOVE_KINDS, type OrderMoveKind } from './live-events.js';

/**
 * What each subscription of docs/live-updates.md receives for the events of server/live: the
 * customer's Order, the admin's order moves, a product page's stock levels.
 */

/** How long an order read for one event is shared by every subscriber handed that event. */
const SNAPSHOT_MS = 2_000;
const snapshots = new WeakMap<Engine, Map<number, Promise<Order>>>();

/** The order as it is once the event committed, read once per event for all its subscribers. */
function orderAt(engine: Engine, event: LiveEvent & { orderId: string }): Promise<Order> {
  let byEvent = snapshots.get(engine);
  if (!byEvent) {
    byEvent = new Map();
    snapshots.set(engine, byEvent);
  }
  let order = byEvent.get(event.id);
  if (!order) {
    order = loadOrder(engine.read, event.orderId);
    byEvent.set(event.id, order);
    const forget = byEvent;
    setTimeout(() => forget.delete(event.id), SNAPSHOT_MS).unref();
  }
  return order;
}

/**
 * What a feed sends for one event, computed once per event and shared by every subscriber the bus
 * hands that event (the same object: the fast path then serializes it once for all their streams).
 */
function perEvent<T>(
  render: (event: LiveEvent) => Promise<T | null>,
): (event: LiveEvent) => Promise<T | null> {
  const rendered = new WeakMap<LiveEvent, Promise<T | null>>();
  return (event) => {
    let data = rendered.get(event);
    if (!data) {
      data = render(event);
      rendered.set(event, data);
    }
    return data;
  };
}

const hasOrder = (event: LiveEvent): event is LiveEvent & { orderId: string } =>
  event.topic === 'order' && event.orderId !== null;

/** orders.watch: the customer's order after each change (the caller checked it is theirs). */
export function orderFeed(engine: Engine, orderId: string, userId: string): Feed<Order> {
  return {
    filter: { topic: 'order', orderId },
    matches: (event) => event.topic === 'order' && event.orderId === orderId,
    render: async (event) => (hasOrder(event) ? orderAt(engine, event) : null),
    initial: () => loadOrder(engine.read, orderId, { userId }),
  };
}

export interface AdminOrderEvent {
  type: OrderMoveKind;
  order: {
    id: string;
    number: number;
    status: Order['status'];
    total: number;
    currency: string;
    itemCount: number;
    createdAt: string;
  };
}

const isMove = (kind: string): kind is OrderMoveKind => ORDER_MOVE_KINDS.includes(kind);

/** admin.orders.watch's data for an event, once per event for every admin stream. */
const adminOrderEvents = new WeakMap<Engine, (event: LiveEvent) => Promise<AdminOrderEvent | null>>();

/** admin.orders.watch: every order's moves, with its summary (its status as the move left it). */
export function adminOrderFeed(engine: Engine): Feed<AdminOrderEvent> {
  let render = adminOrderEvents.get(engine);
  if (!render) {
    render = perEvent((event) => adminOrderEvent(engine, event));
    adminOrderEvents.set(engine, render);
  }
  return {
    filter: { topic: 'order' },
    matches: (event) => event.topic === 'order' && isMove(event.kind),
    render,
  };
}

async function adminOrderEvent(engine: Engine, event: LiveEvent): Promise<AdminOrderEvent | null> {
  if (!hasOrder(event) || !isMove(event.kind)) return null;
  const order = await orderAt(engine, event);
  return {
    type: event.kind,
    order: {
      id: order.id,
      number: order.number,
      status: event.payload.status ?? order.status,
      total: order.total,
      currency: order.currency,
      itemCount: order.items.reduce((sum, line) => sum + line.quantity, 0),
      createdAt: order.createdAt,
    },
  };
}

export interface StockUpdate {
  productId: string;
  variantId: string;
  available: number;
}

/** catalog.watchStock: a variant's stock as each change left it, for the products asked about. */
export function stockFeed(productIds: string[]): Feed<StockUpdate> {
  const wanted = new Set(productIds);
  return {
    filter: { topic: 'stock', productIds: [...wanted] },
    matches: (event) => event.topic === 'stock' && event.productId !== null && wanted.has(event.productId),
    render: stockUpdate,
  };
}

/** A stock event's data, once per event for every stream watching its product. */
const stockUpdate = perEvent(
  async ({ productId, variantId, payload }): Promise<StockUpdate | null> =>
    productId && variantId && payload.available !== undefined
      ? { productId, variantId, available: payload.available }
      : null,
);
