import { ensureAdmin } from '../../server/services/accounts/auth.js';
import type { RouterInputs } from '../../shared/index.js';
import type { TestApp } from './app.js';
import { createTestClient, type TestClient } from './client.js';

import { ADMIN } from './fixtures.js';

export { ADMIN };

/** A typed client signed in as the shop's admin. */
export async function adminClient(t: TestApp): Promise<TestClient> {
  await ensureAdmin(t.deps.engine, t.deps.passwords, ADMIN.email, ADMIN.password, t.clock.now());
  const client = createTestClient(t);
  await client.auth.signIn.mutate(ADMIN);
  return client;
}

let skuCounter = 0;

type ProductInput = RouterInputs['admin']['products']['create'];

/** Creates a product through the admin API with sensible defaults. */
export function createProduct(admin: TestClient, overrides: Partial<ProductInput> & { slug: string }) {
  skuCounter += 1;
  return admin.admin.products.create.mutate({
    name: overrides.slug.replaceAll('-', ' '),
    description: 'A fine product.',
    variants: [{ sku: `SKU-${skuCounter}`, name: 'Default', price: 1000, stock: 10 }],
    ...overrides,
  });
}
