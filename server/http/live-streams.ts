import type { MiddlewareHandler } from 'hono';

/**
 * The open Server-Sent-Event streams (tRPC subscriptions) of one app. Each is closed after the
 * maximum duration, and all are closed at shutdown: the response ends without tRPC's `return`
 * event, so the client link reconnects by itself (to this or another process) with its
 * lastEventId. Closing the body cancels tRPC's reader, which aborts the subscription's signal and
 * ends its generator (the bus listener and the limit slot are given back there).
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

  /** Hono middleware: wraps the body of every `text/event-stream` answer. */
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
    let timer: NodeJS.Timeout | undefined;
    let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
    const finish = () => {
      if (finished) return false;
      finished = true;
      clearTimeout(timer);
      this.open.delete(close);
      return true;
    };
    const close = () => {
      if (!finish()) return;
      try {
        controllerRef?.close();
      } catch {
        // already closed or errored
      }
      reader.cancel().catch(() => {});
    };
    this.open.add(close);
    timer = setTimeout(close, this.closing ? 0 : this.maxDurationMs);
    timer.unref();
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controllerRef = controller;
      },
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (finished) return;
          if (chunk.done) {
            finish();
            controller.close();
          } else controller.enqueue(chunk.value);
        } catch (error) {
          if (finish()) controller.error(error);
        }
      },
      cancel: (reason) => {
        finish();
        return reader.cancel(reason);
      },
    });
  }
}
