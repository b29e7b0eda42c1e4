import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { AppRouter } from '../../shared/index.js';
import { CookieJar } from './client.js';

/**
 * A typed client over real HTTP with its own cookie jar, as a browser would hold it. With
 * `batch: false` every call is its own request, so concurrent calls reach the server concurrently.
 */
export function httpClient(url: string, options: { jar?: CookieJar; batch?: boolean } = {}) {
  const jar = options.jar ?? new CookieJar();
  const linkOptions = {
    url: `${url}/trpc`,
    fetch: async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (jar.cookies.size > 0) headers.set('cookie', jar.header());
      const response = await fetch(input, { ...init, headers });
      jar.store(response);
      return response;
    },
  };
  const link =
    options.batch === false ? httpLink(linkOptions) : httpBatchLink({ ...linkOptions, maxItems: 20 });
  return createTRPCClient<AppRouter>({ links: [link] });
}
