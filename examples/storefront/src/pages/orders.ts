import { api, type Order } from '../api.js';
import { fill, h, money } from '../dom.js';
import { watchOrder } from '../live.js';

/** The signed-in customer's orders, newest first. */
export async function showOrders(main: HTMLElement) {
  if (!(await api.auth.me.query())) {
    fill(
      main,
      h('h1', {}, 'Orders'),
      h('p', {}, h('a', { href: '#/account' }, 'Sign in'), ' to see your orders.'),
    );
    return undefined;
  }
  const page = await api.orders.list.query({ limit: 50 });
  fill(
    main,
    h('h1', {}, 'Orders'),
    page.items.length === 0
      ? h('p', { class: 'muted' }, 'No orders yet.')
      : h(
          'ul',
          {},
          ...page.items.map((o) =>
            h(
              'li',
              {},
              h('a', { href: `#/orders/${o.id}` }, `Order ${o.number}`),
              ` – ${o.status} – ${money(o.total, o.currency)}`,
            ),
          ),
        ),
  );
  return undefined;
}

/** One order, its status kept current by `orders.watch`. */
export async function showOrder(main: HTMLElement, _params: URLSearchParams, id: string) {
  const liveBadge = h('span', { class: 'live', 'data-testid': 'live-order' }, 'not live');
  const body = h('div', {});
  const draw = (order: Order) => {
    fill(
      body,
      h('p', {}, 'Status: ', h('strong', { 'data-testid': 'order-status' }, order.status)),
      order.trackingNumber ? h('p', {}, `Tracking number: ${order.trackingNumber}`) : null,
      h(
        'ul',
        {},
        ...order.items.map((line) =>
          h(
            'li',
            {},
            `${line.quantity} × ${line.productName} – ${line.variantName}: ${money(line.lineTotal, order.currency)}`,
          ),
        ),
      ),
      h(
        'p',
        {},
        'Total: ',
        h('strong', { 'data-testid': 'order-total' }, money(order.total, order.currency)),
      ),
      h('p', { class: 'muted' }, `Payment: ${order.payment.provider}, ${order.payment.status}`),
      h(
        'ol',
        { class: 'history' },
        ...order.history.map((entry) =>
          h('li', {}, `${entry.at}: ${entry.status}${entry.note ? ` (${entry.note})` : ''}`),
        ),
      ),
    );
  };
  const order = await api.orders.get.query({ id });
  fill(main, h('h1', {}, `Order ${order.number} `, liveBadge), body);
  draw(order);
  return watchOrder(id, {
    onEvent: draw,
    onLive: (live) => {
      liveBadge.textContent = live ? 'live' : 'not live';
    },
  });
}
