import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
// Type-only: nothing of the server is bundled into the storefront.
import type { AppRouter, RouterOutputs } from 'backroom/shared';

/** The Backroom API's origin: same site as this page, so the session cookie (SameSite=Lax) is sent. */
export const API_URL: string = import.meta.env.VITE_API_URL ?? 'http://localhost:3000';

export const api = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // Server-Sent Events; the browser sends the cookie along with `withCredentials`.
      true: httpSubscriptionLink({ url: `${API_URL}/trpc`, eventSourceOptions: { withCredentials: true } }),
      false: httpBatchLink({
        url: `${API_URL}/trpc`,
        maxItems: 20, // the server's maxBatchSize
        fetch: (url, init) => fetch(url, { ...init, credentials: 'include' }),
      }),
    }),
  ],
});

export type Cart = RouterOutputs['cart']['get'];
export type Order = RouterOutputs['orders']['get'];
export type Product = RouterOutputs['catalog']['product'];
export type ProductPage = RouterOutputs['catalog']['products'];
export type User = NonNullable<RouterOutputs['auth']['me']>;

/** The `reason` of an API error (`OUT_OF_STOCK`, `INVALID_CREDENTIALS`, …) or a generic message. */
export function problemOf(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    const reason = data && typeof data === 'object' && 'reason' in data ? String(data.reason) : null;
    return reason ? `${reason}: ${error.message}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
