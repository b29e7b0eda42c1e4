import { api, type Cart, problemOf } from '../api.js';
import { fieldsOf, fill, h, money } from '../dom.js';
import { refreshHeader } from '../shell.js';

/** The cart (a guest's behind its own cookie, else the account's): quantities, a code, totals. */
export async function showCart(main: HTMLElement) {
  const status = h('p', { class: 'status', role: 'status' });
  const draw = (cart: Cart) => {
    const change = async (write: () => Promise<Cart>) => {
      try {
        draw(await write());
        await refreshHeader();
      } catch (error) {
        status.textContent = problemOf(error);
      }
    };
    const lines = cart.items.map((line) =>
      h(
        'tr',
        { 'data-testid': 'cart-line' },
        h('td', {}, `${line.productName} – ${line.variantName}`),
        h('td', {}, money(line.unitPrice, cart.currency)),
        h(
          'td',
          {},
          h('input', {
            type: 'number',
            min: 0,
            max: 99,
            value: line.quantity,
            'aria-label': `Quantity of ${line.productName}`,
            onchange: (event) =>
              change(() =>
                api.cart.setQuantity.mutate({
                  variantId: line.variantId,
                  quantity: Number((event.target as HTMLInputElement).value),
                }),
              ),
          }),
        ),
        h('td', {}, money(line.lineTotal, cart.currency)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              onclick: () => change(() => api.cart.removeItem.mutate({ variantId: line.variantId })),
            },
            'Remove',
          ),
        ),
      ),
    );
    fill(
      main,
      h('h1', {}, 'Cart'),
      lines.length === 0
        ? h('p', { class: 'muted' }, 'Your cart is empty.')
        : h('table', { class: 'cart' }, h('tbody', {}, ...lines)),
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (event) => {
            event.preventDefault();
            const { code = '' } = fieldsOf(event.currentTarget as HTMLFormElement);
            void change(() => api.cart.applyDiscount.mutate({ code }));
          },
        },
        h('input', { name: 'code', placeholder: 'Discount code', 'aria-label': 'Discount code' }),
        h('button', { type: 'submit' }, 'Apply'),
      ),
      h(
        'dl',
        { class: 'totals' },
        h('dt', {}, 'Subtotal'),
        h('dd', {}, money(cart.subtotal, cart.currency)),
        cart.discount ? h('dt', {}, `Discount ${cart.discount.code}`) : null,
        cart.discount ? h('dd', {}, `−${money(cart.discount.amount, cart.currency)}`) : null,
        h('dt', {}, 'Total'),
        h('dd', { 'data-testid': 'cart-total' }, money(cart.total, cart.currency)),
      ),
      status,
      cart.items.length > 0 ? h('a', { class: 'button', href: '#/checkout' }, 'Checkout') : null,
    );
  };
  draw(await api.cart.get.query());
  return undefined;
}
