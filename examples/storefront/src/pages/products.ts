import { api } from '../api.js';
import { fieldsOf, fill, h, image, money } from '../dom.js';
import { go } from '../shell.js';

const PAGE_SIZE = 12;

/** Product list: search, category, and keyset paging (`nextCursor`). */
export async function showProducts(main: HTMLElement, params: URLSearchParams) {
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const [categories, page] = await Promise.all([
    api.catalog.categories.query(),
    api.catalog.products.query({
      limit: PAGE_SIZE,
      ...(q && { q }),
      ...(category && { category }),
      ...(cursor && { cursor }),
    }),
  ]);

  const search = h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        const fields = fieldsOf(event.currentTarget as HTMLFormElement);
        const next = new URLSearchParams();
        if (fields.q) next.set('q', fields.q);
        if (fields.category) next.set('category', fields.category);
        go(`/?${next}`);
      },
    },
    h('input', {
      name: 'q',
      type: 'search',
      value: q,
      placeholder: 'Search products',
      'aria-label': 'Search',
    }),
    h(
      'select',
      { name: 'category', 'aria-label': 'Category' },
      h('option', { value: '' }, 'All categories'),
      ...categories.map((c) =>
        h('option', { value: c.slug, selected: c.slug === category }, `${c.name} (${c.productCount})`),
      ),
    ),
    h('button', { type: 'submit' }, 'Search'),
  );

  const cards = page.items.map((card) =>
    h(
      'li',
      { class: 'card', 'data-testid': 'product-card' },
      card.imageUrl ? image(card.imageUrl) : null,
      h('a', { href: `#/product/${encodeURIComponent(card.slug)}` }, card.name),
      h('span', { class: 'price' }, money(card.price, card.currency)),
      card.inStock ? null : h('span', { class: 'muted' }, 'Sold out'),
    ),
  );

  const nextParams = new URLSearchParams(params);
  if (page.nextCursor) nextParams.set('cursor', page.nextCursor);
  fill(
    main,
    h('h1', {}, q ? `Results for “${q}”` : 'Products'),
    search,
    cards.length > 0 ? h('ul', { class: 'grid' }, ...cards) : h('p', { class: 'muted' }, 'Nothing found.'),
    h(
      'nav',
      { class: 'pager' },
      cursor ? h('a', { href: `#/?${withoutCursor(params)}` }, 'First page') : null,
      page.nextCursor ? h('a', { href: `#/?${nextParams}`, rel: 'next' }, 'Next page') : null,
    ),
  );
  return undefined;
}

function withoutCursor(params: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(params);
  copy.delete('cursor');
  return copy;
}
