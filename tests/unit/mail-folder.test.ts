import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../server/integrations/mail/mailer.js';

const dir = mkdtempSync(join(tmpdir(), 'backroom-mail-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAIL = { to: 'ann@example.com', subject: 'Hello', text: 'Hello', html: '<p>Hello</p>' };

describe('Mail without SMTP_URL: .eml files', () => {
  it('go to MAIL_DIR when it is set, whatever DATABASE_PATH says', async () => {
    const folder = join(dir, 'outgoing');
    const mailer = createMailer({
      MAIL_FROM: 'Shop <shop@localhost>',
      DATABASE_PATH: join(dir, 'db', 'shop.db'),
      MAIL_DIR: folder,
    });
    await mailer.send(MAIL, 'm-1');
    mailer.close();
    expect(mailer.destination).toBe(folder);
    expect(readdirSync(folder)).toEqual(['m-1.eml']);
    expect(existsSync(join(dir, 'db', 'mail'))).toBe(false);
  });

  it('go to mail/ beside the database file otherwise', async () => {
    const mailer = createMailer({
      MAIL_FROM: 'Shop <shop@localhost>',
      DATABASE_PATH: join(dir, 'db', 'shop.db'),
      MAIL_DIR: undefined,
    });
    await mailer.send(MAIL, 'm-2');
    mailer.close();
    expect(readdirSync(join(dir, 'db', 'mail'))).toEqual(['m-2.eml']);
  });
});
