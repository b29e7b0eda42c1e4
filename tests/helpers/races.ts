import { randomUUID } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import { ADDRESS, ADMIN } from './fixtures.js';
import { httpClient } from './http-client.js';

/** What the end-to-end races share: unbatched clients, a product, shipping, customers, outcomes. */

/** Unbatched: concurrent calls reach the server as concurrent requests. */
export const unbatched = (url: string) => httpClient(url, { batch: false });
export type Client = ReturnType<typeof unbatched>;

/** Standard shipping to the US, 5.99, 3 to 7 days. */
export function createStandardShipping(admin: Client) {
  return admin.admin.shipping.create.mutate({
    name: 'Standard',
    countries: ['US'],
    price: 599,
    minDays: 3,
    maxDays: 7,
  });
}

export async function signInAdmin(url: string): Promise<Client> {
  const admin = unbatched(url);
  const { user } = await admin.auth.signIn.mutate(ADMIN);
  expect(user.role).toBe('admin');
  return admin;
}

/** A product with one variant, and its variant id. */
export async function createProduct(admin: Client, slug: string, price: number, stock: number) {
  const product = await admin.admin.products.create.mutate({
    slug,
    name: `Product ${slug}`,
    description: 'For the concurrency tests',
    variants: [{ sku: `${slug}-sku`.toUpperCase(), name: 'Default', price, stock }],
  });
  const variant = product.variants[0];
  if (!variant) throw new Error('the product came back without its variant');
  expect(variant.available).toBe(stock);
  return { product, variantId: variant.id };
}

/** `count` signed-up customers, each with their own session. */
export function signUpCustomers(url: string, prefix: string, count: number): Promise<Client[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const client = unbatched(url);
      await client.auth.signUp.mutate({
        email: `${prefix}${i}@example.com`,
        password: 'customer-password',
        name: `Customer ${i}`,
      });
      return client;
    }),
  );
}

/** The tRPC error of a rejected call; fails the test for anything else (network error, non-tRPC body). */
export function trpcError(reason: unknown) {
  expect(reason).toBeInstanceOf(TRPCClientError);
  const data = (reason as TRPCClientError<never>).data as
    | { code: string; httpStatus: number; reason?: string }
    | undefined;
  expect(data).toBeDefined();
  return { message: (reason as Error).message, data: data as NonNullable<typeof data> };
}

export function split<T>(results: PromiseSettledResult<T>[]) {
  const fulfilled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [trpcError(r.reason)] : []));
  return { fulfilled, failures };
}

/** Every customer places its cart's order at the same moment (a key each); the outcomes, in customer order and split. */
export async function placeOrdersAtOnce(customers: Client[], shippingOptionId: string) {
  const results = await Promise.allSettled(
    customers.map((customer) =>
      customer.checkout.placeOrder.mutate({
        idempotencyKey: randomUUID(),
        shippingAddress: ADDRESS,
        shippingOptionId,
      }),
    ),
  );
  return { results, ...split(results) };
}

export async function availableOf(client: Client, slug: string, variantId: string) {
  const product = await client.catalog.product.query({ slug });
  return product.variants.find((v) => v.id === variantId)?.available;
}
