import type { TestApp } from './app.js';
import { adminClient, createProduct } from './catalog.js';
import { createTestClient, newAccount, type TestClient } from './client.js';
import { tableRows } from './database.js';

import { ADDRESS } from './fixtures.js';

export { ADDRESS };

/**
 * A small shop: two products (a mug in 3 colours, a lamp), US shipping, an 8% US tax rate, set up by
 * `admin` (a fresh admin client when none is given).
 */
export async function setupShop(t: TestApp, given?: TestClient) {
  const admin = given ?? (await adminClient(t));
  const mug = await createProduct(admin, {
    slug: 'mug',
    name: 'Stoneware Mug',
    variants: [
      { sku: 'MUG-W', name: 'White', price: 1800, stock: 10 },
      { sku: 'MUG-B', name: 'Blue', price: 2000, stock: 3 },
      { sku: 'MUG-R', name: 'Red', price: 1800, stock: 0 },
    ],
  });
  const lamp = await createProduct(admin, {
    slug: 'lamp',
    name: 'Brass Lamp',
    variants: [{ sku: 'LAMP', name: 'One size', price: 9900, stock: 5 }],
  });
  const standard = await admin.admin.shipping.create.mutate({
    name: 'Standard',
    countries: ['US', 'CA'],
    price: 599,
    freeOverSubtotal: 10000,
    minDays: 3,
    maxDays: 7,
  });
  const express = await admin.admin.shipping.create.mutate({
    name: 'Express',
    countries: ['US'],
    price: 1999,
    minDays: 1,
    maxDays: 2,
  });
  await admin.admin.tax.set.mutate({ country: 'US', rateBps: 800 });
  const variant = (product: typeof mug, sku: string) => {
    const found = product.variants.find((v) => v.sku === sku);
    if (!found) throw new Error(`no variant ${sku}`);
    return found.id;
  };
  return {
    admin,
    mug,
    lamp,
    standard,
    express,
    white: variant(mug, 'MUG-W'),
    blue: variant(mug, 'MUG-B'),
    red: variant(mug, 'MUG-R'),
    lampVariant: variant(lamp, 'LAMP'),
  };
}

export type Shop = Awaited<ReturnType<typeof setupShop>>;

/** A signed-up customer's client (its own cookie jar) and credentials. */
export async function customer(t: TestApp) {
  const client = createTestClient(t);
  const account = newAccount();
  const { user } = await client.auth.signUp.mutate(account);
  return { client, account, user };
}

let keys = 0;
export const idempotencyKey = () => `test-key-${Date.now()}-${++keys}`;

/** Fills the customer's cart and places an order with Standard shipping to the US. */
export async function placeOrder(
  client: TestClient,
  shop: Shop,
  items: { variantId: string; quantity: number }[],
) {
  for (const item of items) await client.cart.addItem.mutate(item);
  return client.checkout.placeOrder.mutate({
    idempotencyKey: idempotencyKey(),
    shippingAddress: ADDRESS,
    shippingOptionId: shop.standard.id,
  });
}

/** A variant's stock as the database holds it now. */
export const stockOf = async (t: TestApp, variantId: string) =>
  (await tableRows(t, 'variant')).find((row) => row.id === variantId)?.stock;
