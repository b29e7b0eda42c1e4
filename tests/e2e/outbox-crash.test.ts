import { describe, expect, it } from 'vitest';
import { CLAIM_LEASE_MS } from '../../server/services/integrations/dispatch.js';
import { httpClient } from '../helpers/http-client.js';
import { eventually, startSmtpReceiver } from '../helpers/receivers.js';
import { freePort, shopDatabase, startServer } from '../helpers/server-process.js';

describe('the outbox across a crash', () => {
  it(
    'delivers mail queued before a SIGKILL once the server is back',
    async () => {
      const smtpPort = await freePort(); // nothing listens there yet: delivery keeps failing
      const env = {
        ...(await shopDatabase('crash')),
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        OUTBOX_RETRY_BASE_MS: '100',
      };
      const first = await startServer(env);
      const client = httpClient(first.url);
      const account = { email: 'crash@example.com', password: 'crash-password', name: 'Crash Test' };
      await client.auth.signUp.mutate(account);
      await client.auth.requestPasswordReset.mutate({ email: account.email });
      await new Promise((r) => setTimeout(r, 300)); // the dispatcher tries and fails at least once
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();

      const smtp = await startSmtpReceiver(smtpPort);
      const second = await startServer(env);
      try {
        // NOTE: a message the killed process had claimed (its delivery attempt under way) is free again
        // only when the claim's lease lapses, so the wait allows for a whole lease.
        await eventually(() => smtp.messages.length >= 2, CLAIM_LEASE_MS + 10_000);
        expect(smtp.messages.map((m) => m.subject).sort()).toEqual([
          'Reset your Backroom Demo Store password',
          'Welcome to Backroom Demo Store',
        ]);
        expect(smtp.messages.every((m) => m.to.includes(account.email))).toBe(true);
        // Delivered once: nothing more arrives.
        await new Promise((r) => setTimeout(r, 1000));
        expect(smtp.messages).toHaveLength(2);
      } finally {
        expect(await second.stop()).toBe(0);
        await smtp.close();
      }
    },
    CLAIM_LEASE_MS + 60_000,
  );
});
