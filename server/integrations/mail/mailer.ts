import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Where mail goes: `smtp://host:port` or the folder of .eml files. */
  readonly destination: string;
  send(mail: OutgoingMail, messageId: string): Promise<void>;
  close(): void;
}

/** The folder for .eml files when no SMTP server is set: MAIL_DIR, else `mail/` beside the SQLite file. */
export function mailFolder(config: Pick<Config, 'DATABASE_PATH' | 'MAIL_DIR'>): string {
  if (config.MAIL_DIR) return config.MAIL_DIR;
  return config.DATABASE_PATH === ':memory:' ? './data/mail' : join(dirname(config.DATABASE_PATH), 'mail');
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise every message becomes an .eml file. */
export function createMailer(
  config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATABASE_PATH' | 'MAIL_DIR'>,
): Mailer {
  if (config.SMTP_URL) {
    const url = new URL(config.SMTP_URL);
    // A pooled connection, and an explicit EHLO name: nodemailer otherwise looks up this host's
    // name for every message, which costs a DNS round trip each time (seen: ~10 mails/s).
    const transport = nodemailer.createTransport({
      url: config.SMTP_URL,
      pool: true,
      maxConnections: 2,
      name: 'backroom.local',
      // Bounded (LONGEST_DELIVERY_MS in the outbox dispatcher, 10 s) so that the claim on a batch of messages
      // (CLAIM_LEASE_MS, 30 s) covers each send it starts, and no other dispatcher takes a message over
      // while this one still sends it (nodemailer's defaults reach 10 min).
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 10_000,
    } as never);
    return {
      destination: `${url.protocol}//${url.host}`,
      async send(mail, messageId) {
        await transport.sendMail({ from: config.MAIL_FROM, messageId: `<${messageId}@backroom>`, ...mail });
      },
      close: () => transport.close(),
    };
  }
  const folder = mailFolder(config);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    destination: folder,
    async send(mail, messageId) {
      const info = await transport.sendMail({
        from: config.MAIL_FROM,
        messageId: `<${messageId}@backroom>`,
        ...mail,
      });
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, `${messageId}.eml`), info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
