/**
 * Type-level contract test, checked by `npm run typecheck` (never executed): a front-end that
 * imports AppRouter gets its inputs checked and its outputs typed as they arrive on the wire.
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
// Imported by package name, as a front-end that depends on this package does.
import type { AppRouter, RouterInputs, RouterOutputs } from 'backroom/shared';

const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://localhost:3000/trpc' })] });

export async function contract() {
  const { user } = await client.auth.signUp.mutate({
    email: 'a@example.com',
    password: 'secret-pass',
    name: 'A',
  });
  // Timestamps arrive as strings, not Dates (no transformer).
  const created: string = user.createdAt;
  const role: 'customer' | 'admin' = user.role;

  // @ts-expect-error: email must be a string
  await client.auth.signUp.mutate({ email: 1, password: 'secret-pass', name: 'A' });
  // @ts-expect-error: name is required
  await client.auth.signUp.mutate({ email: 'a@example.com', password: 'secret-pass' });
  const withRole = { email: 'a@example.com', password: 'secret-pass', name: 'A', role: 'admin' as const };
  // @ts-expect-error: unknown keys such as role are not part of the input
  await client.auth.signUp.mutate({ ...withRole, role: 'admin' });
  // @ts-expect-error: signIn is a mutation, not a query
  await client.auth.signIn.query({ email: 'a@example.com', password: 'x' });
  // @ts-expect-error: no such procedure
  await client.auth.deleteEveryone.mutate();
  // @ts-expect-error: createdAt is a string, not a Date
  const asDate: Date = user.createdAt;

  const me = await client.auth.me.query();
  // @ts-expect-error: me may be null
  me.email;

  const page = await client.catalog.products.query({ q: 'mug', sort: 'price_asc', limit: 10 });
  const price: number = page.items[0]?.price ?? 0;
  const next: string | null = page.nextCursor;
  // @ts-expect-error: sort is one of the documented values
  await client.catalog.products.query({ sort: 'cheapest' });
  // @ts-expect-error: prices are numbers of minor units
  await client.catalog.products.query({ minPrice: '10' });
  // @ts-expect-error: stock is changed through admin.inventory.adjust, not variants.update
  await client.admin.variants.update.mutate({ id: 'v', stock: 5 });

  const address = { name: 'A', line1: '1 St', city: 'C', postalCode: '1', country: 'US' };
  const placed = await client.checkout.placeOrder.mutate({
    idempotencyKey: 'k-12345678',
    shippingAddress: address,
    shippingOptionId: 's',
  });
  const status: 'pending_payment' | 'paid' | 'fulfilled' | 'delivered' | 'cancelled' = placed.order.status;
  const total: number = placed.order.total;
  const secret: string | null = placed.payment.clientSecret;
  // @ts-expect-error: the idempotency key is required
  await client.checkout.placeOrder.mutate({ shippingAddress: address, shippingOptionId: 's' });
  // @ts-expect-error: orders are not addressed by number
  await client.orders.get.query({ number: 1001 });

  const input: RouterInputs['auth']['changePassword'] = { currentPassword: 'a', newPassword: 'b' };
  const info: RouterOutputs['store']['info'] = await client.store.info.query();
  return { created, role, asDate, input, info, price, next, status, total, secret };
}
