/**
 * The client snippets of docs/live-updates.md, checked by `npm run typecheck` (never executed):
 * they compile as pasted, and the data of each subscription is typed on the client.
 */
// --- snippet: client -------------------------------------------------------------------------
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { AppRouter } from 'backroom/shared';

const url = 'https://shop.example/trpc';

export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // Browsers have EventSource; cookies go along with `withCredentials`.
      true: httpSubscriptionLink({ url, eventSourceOptions: { withCredentials: true } }),
      false: httpBatchLink({
        url,
        fetch: (input, init) => fetch(input, { ...init, credentials: 'include' }),
      }),
    }),
  ],
});

// --- end snippet -----------------------------------------------------------------------------

// --- snippet: node --------------------------------------------------------------------------
import { EventSource } from 'eventsource';

/** The subscription link of a Node client holding the session cookie `cookie` ("session=…"). */
export function nodeSubscriptionLink(cookie: string) {
  return httpSubscriptionLink({
    url,
    EventSource,
    eventSourceOptions: {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('cookie', cookie);
        return fetch(input, { ...init, headers });
      },
    },
  });
}
// --- end snippet -----------------------------------------------------------------------------

// --- snippet: order status -------------------------------------------------------------------
/** Shows an order's status live in `element` until the returned function is called. */
export function showOrderStatus(orderId: string, element: { textContent: string | null }) {
  const subscription = trpc.orders.watch.subscribe(
    { id: orderId },
    {
      onData: ({ data: order }) => {
        element.textContent = `Order #${order.number}: ${order.status.replace('_', ' ')}`;
      },
      onError: (error) => {
        element.textContent = error.data?.code === 'NOT_FOUND' ? 'No such order' : 'Live status unavailable';
      },
    },
  );
  return () => subscription.unsubscribe();
}
// --- end snippet -----------------------------------------------------------------------------

// Types the client infers for each subscription's data.
export function inferred() {
  trpc.catalog.watchStock.subscribe(
    { productIds: ['p1'] },
    {
      onData: ({ id, data }) => {
        const eventId: string = id;
        const available: number = data.available;
        const variantId: string = data.variantId;
        // @ts-expect-error: a stock update carries no price
        data.price;
        return [eventId, available, variantId];
      },
    },
  );
  trpc.admin.orders.watch.subscribe(
    { lastEventId: '42' },
    {
      onData: ({ data }) => {
        const type:
          | 'order.created'
          | 'order.paid'
          | 'order.fulfilled'
          | 'order.delivered'
          | 'order.cancelled' = data.type;
        const createdAt: string = data.order.createdAt;
        return [type, createdAt];
      },
    },
  );
  // @ts-expect-error: productIds is required
  trpc.catalog.watchStock.subscribe({}, {});
  // @ts-expect-error: watch is a subscription, not a query
  trpc.orders.watch.query({ id: 'o1' });
}
