import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { Engine } from '../../db/engine.js';
import type { Clock } from '../../server/clock.js';
import { testConfig } from '../../server/config.js';
import type { Mailer } from '../../server/integrations/mail/mailer.js';
import { createPaymentProvider } from '../../server/integrations/payments/index.js';
import type { OutboxDeliveryDeps } from '../../server/services/integrations/outbox.js';
import { mailMessage } from '../../server/services/integrations/outbox-messages.js';

/**
 * A dispatcher's dependencies on `engine` whose mailer records the id of every message it sends and
 * takes `sendMs` over each, so that dispatchers running side by side interleave their deliveries.
 */
export function recordingDispatcher(
  engine: Engine,
  clock: Clock,
  sent: string[],
  sendMs = 2,
): OutboxDeliveryDeps {
  const mailer: Mailer = {
    destination: 'memory',
    send: async (_mail, messageId) => {
      await sleep(sendMs);
      sent.push(messageId);
    },
    close: () => {},
  };
  return {
    engine,
    clock,
    logger: pino({ level: 'silent' }),
    mailer,
    payments: createPaymentProvider(testConfig()),
    storeName: 'Test',
    retryBaseMs: 1000,
    allowPrivateTargets: false,
  };
}

/** Queues `count` welcome mails at `now`; resolves with their ids. */
export async function queueMails(engine: Engine, count: number, now: number): Promise<string[]> {
  const messages = Array.from({ length: count }, (_, i) =>
    mailMessage(
      `buyer${i}@example.com`,
      { template: 'welcome', name: `Buyer ${i}`, verifyUrl: 'https://x.example' },
      now,
    ),
  );
  await engine.transaction(async (tx) => {
    for (const message of messages) await tx.integrations.enqueue(message);
  });
  return messages.map((message) => message.id);
}
