import { api, type User } from './api.js';

/** Updates the header's cart count and account link; answers the signed-in user, if any. */
export async function refreshHeader(): Promise<User | null> {
  const [me, cart] = await Promise.all([api.auth.me.query(), api.cart.get.query()]);
  const cartLink = document.getElementById('cart-link');
  if (cartLink) cartLink.textContent = `Cart (${cart.itemCount})`;
  const accountLink = document.getElementById('account-link');
  if (accountLink) accountLink.textContent = me ? me.name : 'Sign in';
  return me;
}

/** Goes to another page of the storefront. */
export function go(path: string): void {
  location.hash = `#${path}`;
}
