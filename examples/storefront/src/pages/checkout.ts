import { api, problemOf } from '../api.js';
import { fieldsOf, fill, h, money } from '../dom.js';
import { go, refreshHeader } from '../shell.js';

type Address = Parameters<typeof api.checkout.quote.query>[0]['shippingAddress'];

/** Address, shipping option, quote, then `checkout.placeOrder` (manual payment: pending until paid). */
export async function showCheckout(main: HTMLElement) {
  const me = await api.auth.me.query();
  if (!me) {
    fill(
      main,
      h('h1', {}, 'Checkout'),
      h(
        'p',
        {},
        'Sign in or create an account to check out; your cart comes along. ',
        h('a', { href: '#/account' }, 'Sign in'),
      ),
    );
    return undefined;
  }
  // One key per visit of this page: a retried click places one order, not two.
  const idempotencyKey = crypto.randomUUID();
  const status = h('p', { class: 'status', role: 'alert' });
  const options = h('select', { name: 'shippingOptionId', 'aria-label': 'Shipping', required: true });
  const totals = h('dl', { class: 'totals' });
  let expectedTotal: number | undefined;

  const addressOf = (form: HTMLFormElement): Address => {
    const { name = '', line1 = '', city = '', postalCode = '', country = '' } = fieldsOf(form);
    return { name, line1, city, postalCode, country };
  };
  const loadOptions = async (country: string) => {
    const list = await api.checkout.shippingOptions.query({ country });
    options.replaceChildren(
      ...list.map((o) =>
        h(
          'option',
          { value: o.id },
          `${o.name} – ${money(o.price, 'USD')} (${o.estimatedDays.min}–${o.estimatedDays.max} days)`,
        ),
      ),
    );
  };
  const requote = async (form: HTMLFormElement) => {
    expectedTotal = undefined;
    totals.replaceChildren();
    const shippingOptionId = (options as HTMLSelectElement).value;
    // Quote once the address is complete; until then the API would answer INVALID_INPUT.
    if (!shippingOptionId || !form.checkValidity()) return;
    status.textContent = '';
    const quote = await api.checkout.quote.query({ shippingAddress: addressOf(form), shippingOptionId });
    expectedTotal = quote.total;
    totals.replaceChildren(
      ...(['subtotal', 'discount', 'shipping', 'tax', 'total'] as const).flatMap((key) => [
        h('dt', {}, key),
        h('dd', { 'data-testid': `quote-${key}` }, money(quote[key], quote.currency)),
      ]),
    );
  };

  const form = h(
    'form',
    {
      'aria-label': 'Checkout',
      onchange: (event) => {
        const form = event.currentTarget as HTMLFormElement;
        const target = event.target as HTMLInputElement;
        const next = target.name === 'country' ? loadOptions(target.value) : Promise.resolve();
        void next.then(() => requote(form)).catch((error) => (status.textContent = problemOf(error)));
      },
      onsubmit: async (event) => {
        event.preventDefault();
        const form = event.currentTarget as HTMLFormElement;
        try {
          const { order } = await api.checkout.placeOrder.mutate({
            idempotencyKey,
            shippingAddress: addressOf(form),
            shippingOptionId: (options as HTMLSelectElement).value,
            ...(expectedTotal !== undefined && { expectedTotal }),
          });
          await refreshHeader();
          go(`/orders/${order.id}`);
        } catch (error) {
          status.textContent = problemOf(error);
        }
      },
    },
    ...(
      [
        ['name', 'Full name', me.name],
        ['line1', 'Street and number', ''],
        ['city', 'City', ''],
        ['postalCode', 'Postal code', ''],
        ['country', 'Country (ISO code)', 'US'],
      ] as const
    ).map(([name, label, value]) => h('label', {}, label, h('input', { name, value, required: true }))),
    h('label', {}, 'Shipping', options),
    totals,
    h('button', { type: 'submit' }, 'Place order'),
  ) as HTMLFormElement;

  fill(main, h('h1', {}, 'Checkout'), form, status);
  await loadOptions('US');
  await requote(form).catch((error) => (status.textContent = problemOf(error)));
  return undefined;
}
