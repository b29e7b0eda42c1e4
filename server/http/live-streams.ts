import type { MiddlewareHandler } from 'hono';

/**
 * The open Server-Sent-Event streams (tRPC subscriptions) of one app, whichever path answers them
 * (server/http/subscription-stream.ts on the fast path, the wrapper below on the Hono app). Each is
 * closed after the maximum duration, and all are closed at shutdown: the response ends without
 * tRPC's `return` event, so the client link reconnects by itself (to this or another process) with
 * its lastEventId. Closing a stream aborts its subscription's signal, which ends its generator (the
 * bus listener and the limit slot are given back there).
 */
export class LiveStreams {
  private readonly open = new Set<() => void>();
  private closing = false;

  constructor(private readonly maxDurationMs: number) {}

  /** How many streams are open (the tests prove with it that nothing leaks). */
  get size(): number {
    return this.open.size;
  }

  /** Closes every open stream, and from now on every new one at once (SIGTERM). */
  closeAll(): void {
    this.closing = true;
    for (const close of [...this.open]) close();
  }

  /**
   * Registers an open stream: `close` is called once, after the maximum duration or at shutdown.
   * The returned function takes it off the list when it ends otherwise; it returns false when the
   * stream was already off it (closed here, or ended before).
   */
  register(close: () => void): () => boolean {
    let timer: NodeJS.Timeout | undefined;
    const release = (): boolean => {
      if (!this.open.delete(expire)) return false;
      clearTimeout(timer);
      return true;
    };
    const expire = () => {
      if (release()) close();
    };
    this.open.add(expire);
    timer = setTimeout(expire, this.closing ? 0 : this.maxDurationMs);
    timer.unref();
    return release;
  }

  /**
   * Hono middleware: registers the body of every `text/event-stream` answer (a subscription the
   * fast path left to the app); closing it cancels tRPC's reader.
   */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      const body = c.res.body;
      if (!body || !c.res.headers.get('content-type')?.startsWith('text/event-stream')) return;
      c.res = new Response(this.track(body), c.res);
    };
  }

  private track(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let finished = false;
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
    const release = this.register(() => {
      finished = true;
      try {
        controllerRef?.close();
      } catch {
        // already closed or errored
      }
      reader.cancel().catch(() => {});
    });
    const end = () => {
      finished = true;
      return release();
    };
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controllerRef = controller;
      },
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (finished) return;
          if (chunk.done) {
            end();
            controller.close();
          } else controller.enqueue(chunk.value);
        } catch (error) {
          if (!finished && end()) controller.error(error);
        }
      },
      cancel: (reason) => {
        end();
        return reader.cancel(reason);
      },
    });
  }
}
