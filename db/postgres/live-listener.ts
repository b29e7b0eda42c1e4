import { LIVE_CHANNEL } from './live.js';

/** One dedicated connection LISTENing on the live channel (never one of the pool's). */
export interface LiveListenerOptions {
  url: string;
  /** A notification arrived, or the connection was (re)established: read new events. */
  onWake: () => void;
  /** The connection was lost (one line, no password); it is opened again with a growing delay. */
  onLost: (message: string) => void;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Opens the LISTEN connection and keeps it open: when it drops, it reconnects after 100 ms, doubling
 * up to 5 s, and wakes the reader once it is back (which reads everything past the last id it
 * delivered, so a lost notification loses no event). Resolves once the first LISTEN is in place.
 */
export async function listenForLiveEvents(options: LiveListenerOptions): Promise<{ close(): Promise<void> }> {
  const { default: pg } = await import('pg');
  let client: InstanceType<typeof pg.Client> | null = null;
  let closed = false;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5_000 });
    next.on('notification', () => options.onWake());
    next.on('error', () => {}); // reported through 'end' below
    await next.connect();
    try {
      await next.query(`LISTEN ${LIVE_CHANNEL}`);
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    next.once('end', () => {
      if (closed || client !== next) return;
      client = null;
      options.onLost('the live events connection to PostgreSQL was lost; reconnecting');
      retry();
    });
    client = next;
    retryMs = FIRST_RETRY_MS;
    options.onWake();
  };

  const retry = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        retry();
      });
    }, retryMs);
    retryTimer.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const open = client;
      client = null;
      await open?.end().catch(() => {});
    },
  };
}
