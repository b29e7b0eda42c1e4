import { api, problemOf } from '../api.js';
import { fieldsOf, fill, h } from '../dom.js';
import { go, refreshHeader } from '../shell.js';

/** Sign up or sign in (a guest cart comes along either way), or sign out. */
export async function showAccount(main: HTMLElement) {
  const me = await api.auth.me.query();
  if (me) {
    fill(
      main,
      h('h1', {}, 'Account'),
      h('p', { 'data-testid': 'signed-in-as' }, `Signed in as ${me.name} (${me.email})`),
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            await api.auth.signOut.mutate();
            await refreshHeader();
            go('/');
          },
        },
        'Sign out',
      ),
    );
    return undefined;
  }

  const status = h('p', { class: 'status', role: 'alert' });
  const submit = (call: (fields: Record<string, string>) => Promise<unknown>) => async (event: Event) => {
    event.preventDefault();
    try {
      await call(fieldsOf(event.currentTarget as HTMLFormElement));
      await refreshHeader();
      go('/cart');
    } catch (error) {
      status.textContent = problemOf(error);
    }
  };
  const field = (name: string, label: string, type = 'text') =>
    h('label', {}, label, h('input', { name, type, required: true, autocomplete: autocomplete(name) }));

  fill(
    main,
    h('h1', {}, 'Sign in or create an account'),
    h(
      'div',
      { class: 'columns' },
      h(
        'form',
        {
          'aria-label': 'Sign in',
          onsubmit: submit(({ email = '', password = '' }) => api.auth.signIn.mutate({ email, password })),
        },
        h('h2', {}, 'Sign in'),
        field('email', 'Email', 'email'),
        field('password', 'Password', 'password'),
        h('button', { type: 'submit' }, 'Sign in'),
      ),
      h(
        'form',
        {
          'aria-label': 'Create account',
          onsubmit: submit(({ name = '', email = '', password = '' }) =>
            api.auth.signUp.mutate({ name, email, password }),
          ),
        },
        h('h2', {}, 'Create an account'),
        field('name', 'Name'),
        field('email', 'Email', 'email'),
        field('password', 'Password (8 characters or more)', 'password'),
        h('button', { type: 'submit' }, 'Create account'),
      ),
    ),
    status,
  );
  return undefined;
}

function autocomplete(name: string): string {
  return name === 'password' ? 'current-password' : name;
}
