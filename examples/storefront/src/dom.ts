type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

/**
 * Builds an element. Text always goes in as text nodes, never as HTML: product names, reviews and
 * addresses come from users, and the API returns them verbatim.
 */
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

/** Integer minor units to a display string: 1999 USD → "$19.99". */
export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);
}

/** The values of a form's fields by name. */
export function fieldsOf(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) if (typeof value === 'string') values[name] = value;
  return values;
}

/** Replaces an element's content; empty children (null, false) are skipped as in `h`. */
export function fill(parent: HTMLElement, ...children: Child[]): void {
  parent.replaceChildren(...h('div', {}, ...children).childNodes);
}

/** An `<img>` that takes itself out when it cannot load (a shop's image host may be unreachable). */
export function image(src: string, className?: string): HTMLElement {
  return h('img', {
    src,
    alt: '',
    loading: 'lazy',
    class: className,
    onerror: (event) => (event.currentTarget as HTMLElement).remove(),
  });
}
