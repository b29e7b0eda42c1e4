import './style.css';
import { api, problemOf } from './api.js';
import { fill, h } from './dom.js';
import { showAccount } from './pages/account.js';
import { showCart } from './pages/cart.js';
import { showCheckout } from './pages/checkout.js';
import { showOrder, showOrders } from './pages/orders.js';
import { showProduct } from './pages/product.js';
import { showProducts } from './pages/products.js';
import { refreshHeader } from './shell.js';

/** A page draws itself into `main` and may return a function that stops its live updates. */
type Page = (main: HTMLElement, params: URLSearchParams, arg: string) => Promise<(() => void) | undefined>;

const routes: [RegExp, Page][] = [
  [/^\/$/, showProducts],
  [/^\/product\/([^/]+)$/, showProduct],
  [/^\/cart$/, showCart],
  [/^\/account$/, showAccount],
  [/^\/checkout$/, showCheckout],
  [/^\/orders$/, showOrders],
  [/^\/orders\/([^/]+)$/, showOrder],
];

let stopPage: (() => void) | undefined;

async function render(): Promise<void> {
  const main = document.getElementById('app');
  if (!main) return;
  stopPage?.();
  stopPage = undefined;
  const [path = '/', query = ''] = (location.hash.slice(1) || '/').split('?');
  const route = routes.find(([pattern]) => pattern.test(path));
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    if (!route) throw new Error('No such page');
    const [pattern, page] = route;
    const arg = decodeURIComponent(pattern.exec(path)?.[1] ?? '');
    stopPage = await page(main, new URLSearchParams(query), arg);
  } catch (error) {
    fill(main, h('p', { class: 'error', role: 'alert' }, problemOf(error)));
  }
}

window.addEventListener('hashchange', () => void render());
void api.store.info.query().then((info) => {
  const name = document.getElementById('store-name');
  if (name) name.textContent = info.name;
  document.title = info.name;
});
void refreshHeader();
void render();
