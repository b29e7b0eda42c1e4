import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../../shared/index.js';
import { CookieJar } from './client.js';

/** A typed client over real HTTP with its own cookie jar, as a browser would hold it. */
export function httpClient(url: string, jar = new CookieJar()) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url}/trpc`,
        maxItems: 20,
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          if (jar.cookies.size > 0) headers.set('cookie', jar.header());
          const response = await fetch(input, { ...init, headers });
          jar.store(response);
          return response;
        },
      }),
    ],
  });
}
