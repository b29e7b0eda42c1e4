import { api, problemOf } from '../api.js';
import { fill, h, image, money } from '../dom.js';
import { watchStock } from '../live.js';
import { refreshHeader } from '../shell.js';

/** One product: variants with their stock, kept current by `catalog.watchStock`; add to cart. */
export async function showProduct(main: HTMLElement, _params: URLSearchParams, slug: string) {
  const product = await api.catalog.product.query({ slug });
  const stockCells = new Map<string, HTMLElement>();
  const status = h('p', { class: 'status', role: 'status' });
  const liveBadge = h('span', { class: 'live', 'data-testid': 'live-stock' }, 'not live');

  const rows = product.variants.map((variant) => {
    const stock = h('td', { 'data-testid': `stock-${variant.sku}` }, String(variant.available));
    stockCells.set(variant.id, stock);
    const quantity = h('input', {
      type: 'number',
      min: 1,
      max: 99,
      value: 1,
      'aria-label': `Quantity of ${variant.name}`,
    }) as HTMLInputElement;
    const add = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          try {
            const cart = await api.cart.addItem.mutate({
              variantId: variant.id,
              quantity: Number(quantity.value),
            });
            status.textContent = `Added. Your cart holds ${cart.itemCount} items.`;
            await refreshHeader();
          } catch (error) {
            status.textContent = problemOf(error);
          }
        },
      },
      'Add to cart',
    );
    return h(
      'tr',
      {},
      h('td', {}, variant.name),
      h('td', {}, variant.sku),
      h('td', {}, money(variant.price, product.currency)),
      stock,
      h('td', {}, quantity),
      h('td', {}, add),
    );
  });

  fill(
    main,
    h('h1', {}, product.name),
    product.images[0] ? image(product.images[0], 'hero') : null,
    h('p', {}, product.description),
    h(
      'p',
      { class: 'muted' },
      product.rating.average === null
        ? 'No reviews yet'
        : `Rated ${product.rating.average.toFixed(1)} of 5 (${product.rating.count} reviews)`,
    ),
    h('h2', {}, 'Variants ', liveBadge),
    h(
      'table',
      { class: 'variants' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Variant', 'SKU', 'Price', 'In stock', 'Quantity', ''].map((label) => h('th', {}, label)),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    status,
  );

  return watchStock([product.id], {
    onEvent: (change) => {
      const cell = stockCells.get(change.variantId);
      if (cell) cell.textContent = String(change.available);
    },
    onLive: (live) => {
      liveBadge.textContent = live ? 'live' : 'not live';
    },
  });
}
