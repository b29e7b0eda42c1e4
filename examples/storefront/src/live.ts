import { api, type Order } from './api.js';

/**
 * Live updates (`catalog.watchStock`, `orders.watch`: tRPC subscriptions over Server-Sent Events),
 * kept in this one module. The shapes below are what docs/api/live-updates names; assigning the
 * typed client to them checks, at compile time, that the API's subscriptions still match. A server
 * without them simply never starts the stream, and the pages keep the figures they loaded.
 */
export interface StockChange {
  productId: string;
  variantId: string;
  available: number;
}

interface Tracked<TData> {
  id: string;
  data: TData;
}

interface Subscription<TInput, TEvent> {
  subscribe(
    input: TInput,
    callbacks: {
      onStarted: () => void;
      onData: (event: TEvent) => void;
      onError: (error: unknown) => void;
    },
  ): { unsubscribe(): void };
}

interface LiveProcedures {
  // `products`/`list` are named so these are not "weak" types (all optional), which TypeScript
  // would refuse to match against the client's procedure records.
  catalog: { products: unknown; watchStock?: Subscription<{ productIds: string[] }, Tracked<StockChange>> };
  orders: { list: unknown; watch?: Subscription<{ id: string }, Tracked<Order>> };
}

const live: LiveProcedures = api;

/** What a page does with a stream: `onLive(true)` once it runs, `onLive(false)` when it fails. */
export interface LiveHandlers<TEvent> {
  onEvent: (event: TEvent) => void;
  onLive: (live: boolean) => void;
}

/** Stock of these products as it changes; call the returned function to stop. */
export function watchStock(productIds: string[], handlers: LiveHandlers<StockChange>): () => void {
  const subscription = live.catalog.watchStock?.subscribe(
    { productIds },
    {
      onStarted: () => handlers.onLive(true),
      onData: (event) => handlers.onEvent(event.data),
      onError: () => handlers.onLive(false),
    },
  );
  return () => subscription?.unsubscribe();
}

/** The order after each change of status, payment or tracking; call the returned function to stop. */
export function watchOrder(id: string, handlers: LiveHandlers<Order>): () => void {
  const subscription = live.orders.watch?.subscribe(
    { id },
    {
      onStarted: () => handlers.onLive(true),
      onData: (event) => handlers.onEvent(event.data),
      onError: () => handlers.onLive(false),
    },
  );
  return () => subscription?.unsubscribe();
}
