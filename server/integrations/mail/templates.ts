/** Transactional mail: plain text plus simple HTML in which every value from a user is escaped. */

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Money in minor units as text, e.g. 1999 USD → "USD 19.99". */
export function formatMoney(amount: number, currency: string): string {
  return `${currency} ${(amount / 100).toFixed(2)}`;
}

function page(store: string, paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  const button = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return `<!doctype html>\n<html><body style="font-family:sans-serif">\n<h2>${escapeHtml(store)}</h2>\n${body}${button}\n</body></html>\n`;
}

export type MailTemplate =
  | { template: 'welcome'; name: string; verifyUrl: string }
  | { template: 'verify_email'; name: string; verifyUrl: string }
  | { template: 'password_reset'; name: string; resetUrl: string }
  | {
      template: 'order_confirmation';
      name: string;
      number: number;
      total: number;
      currency: string;
      items: { name: string; quantity: number }[];
    }
  | { template: 'payment_received'; name: string; number: number; total: number; currency: string }
  | { template: 'order_shipped'; name: string; number: number; trackingNumber: string | null }
  | { template: 'order_cancelled'; name: string; number: number; note: string | null };

/** Renders one message. `store` is the shop's name; every other string may come from a user. */
export function renderMail(store: string, mail: MailTemplate): MailContent {
  const hello = `Hello ${mail.name},`;
  const h = escapeHtml;
  switch (mail.template) {
    case 'welcome':
    case 'verify_email': {
      const intro =
        mail.template === 'welcome' ? `Welcome to ${store}!` : 'Please confirm your email address.';
      return {
        subject: mail.template === 'welcome' ? `Welcome to ${store}` : `Confirm your email for ${store}`,
        text: `${hello}\n\n${intro}\nConfirm your email address: ${mail.verifyUrl}\n\nThe link is valid for 24 hours.\n`,
        html: page(store, [h(hello), h(intro), 'The link below is valid for 24 hours.'], {
          href: mail.verifyUrl,
          label: 'Confirm my email address',
        }),
      };
    }
    case 'password_reset':
      return {
        subject: `Reset your ${store} password`,
        text: `${hello}\n\nSomeone asked to reset your password. If it was you, open: ${mail.resetUrl}\nThe link is valid for one hour and works once. If it was not you, ignore this mail.\n`,
        html: page(
          store,
          [
            h(hello),
            'Someone asked to reset your password. The link works once, within one hour.',
            'If it was not you, ignore this mail.',
          ],
          { href: mail.resetUrl, label: 'Choose a new password' },
        ),
      };
    case 'order_confirmation': {
      const lines = mail.items.map((i) => `${i.quantity} × ${i.name}`);
      const total = formatMoney(mail.total, mail.currency);
      return {
        subject: `Order #${mail.number} received`,
        text: `${hello}\n\nThank you for your order #${mail.number}.\n\n${lines.join('\n')}\n\nTotal: ${total}\n`,
        html: page(store, [
          h(hello),
          `Thank you for your order #${mail.number}.`,
          lines.map(h).join('<br>'),
          `Total: <strong>${h(total)}</strong>`,
        ]),
      };
    }
    case 'payment_received': {
      const total = formatMoney(mail.total, mail.currency);
      return {
        subject: `Payment received for order #${mail.number}`,
        text: `${hello}\n\nWe received your payment of ${total} for order #${mail.number}. We will ship it soon.\n`,
        html: page(store, [
          h(hello),
          `We received your payment of ${h(total)} for order #${mail.number}. We will ship it soon.`,
        ]),
      };
    }
    case 'order_shipped': {
      const tracking = mail.trackingNumber ? `Tracking number: ${mail.trackingNumber}` : 'It is on its way.';
      return {
        subject: `Order #${mail.number} has shipped`,
        text: `${hello}\n\nYour order #${mail.number} has shipped. ${tracking}\n`,
        html: page(store, [h(hello), `Your order #${mail.number} has shipped.`, h(tracking)]),
      };
    }
    case 'order_cancelled': {
      const note = mail.note ? `Note: ${mail.note}` : '';
      return {
        subject: `Order #${mail.number} was cancelled`,
        text: `${hello}\n\nYour order #${mail.number} was cancelled. Any payment will be refunded.\n${note}\n`,
        html: page(store, [
          h(hello),
          `Your order #${mail.number} was cancelled. Any payment will be refunded.`,
          ...(note ? [h(note)] : []),
        ]),
      };
    }
  }
}
