import type { ServerResponse } from 'node:http';
import { isTrackedEnvelope } from '@trpc/server';
import type { LiveStreams } from './live-streams.js';
import {
  connectedFrame,
  dataFrame,
  errorFrame,
  PING_FRAME,
  RETURN_FRAME,
  restoreIdFrame,
} from './sse-frames.js';

export interface SubscriptionStream {
  /** What the procedure gave: its events, or the error that refused the call. */
  source: { events: AsyncIterable<unknown> } | { error: unknown };
  /** Aborted when the stream ends early (client gone, maximum duration, shutdown): the procedure's signal. */
  abort: AbortController;
  /** The answer's headers (node:http's flat list), SSE ones included. */
  headers: string[];
  /** A ping this long after the last frame, or null for none. */
  pingMs: number | null;
  /** The `connected` frame's reconnect settings for the client. */
  clientOptions: object;
  /** The id the client said it had (Last-Event-ID), restored after an untracked event. */
  lastEventId: string | null;
  /** An event's data as JSON (serialized with the router's transformer). */
  toJson: (data: unknown) => string;
  /** A failure of the subscription as the JSON of its error shape (reported to onError). */
  errorJson: (cause: unknown) => string;
  streams: LiveStreams;
}

/** Resolves once the response can take more (or is gone). */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a tRPC subscription to a node:http response as Server-Sent Events, in the wire format of
 * tRPC's own SSE producer (sse-frames.ts): `connected`, then each event (tracked ones with their
 * id), a ping after `pingMs` without a frame, and `return` when the procedure completes or
 * `serialized-error` when it fails. Frames go straight to the socket: no Fetch Response, streams
 * or adapter per subscription, which is what an idle stream costs in memory and each delivery in
 * CPU. The stream is registered with `streams` (maximum duration, shutdown: it ends without
 * `return`, so the client reconnects); when the client goes, the procedure's signal is aborted.
 * A slow client is not written past its socket buffer: the next event waits for `drain` (the
 * subscription queues it, and drops a client that falls too far behind).
 */
export async function writeSubscription(res: ServerResponse, stream: SubscriptionStream): Promise<void> {
  const { abort, pingMs } = stream;
  let closed = false;
  let ping: NodeJS.Timeout | undefined;
  /** Ends a wait for `drain` (a client that stopped reading, closed by the maximum duration). */
  let unblock: (() => void) | null = null;
  const stop = () => {
    closed = true;
    clearTimeout(ping);
    abort.abort();
    unblock?.();
  };
  const release = stream.streams.register(() => {
    stop();
    res.end();
  });
  const gone = () => {
    if (closed) return;
    release();
    stop();
  };
  res.once('close', gone);
  // The client may have gone while the procedure was called (its 'close' has been and gone).
  if (res.destroyed) gone();
  const write = (frame: string): boolean => {
    if (closed) return true;
    ping?.refresh();
    return res.write(frame);
  };

  res.writeHead(200, stream.headers);
  write(connectedFrame(stream.clientOptions));
  if (pingMs !== null) {
    ping = setTimeout(() => write(PING_FRAME), pingMs);
    ping.unref();
  }

  let lastEventId = stream.lastEventId;
  let iterator: AsyncIterator<unknown> | null = null;
  let done = false;
  try {
    if ('error' in stream.source) throw stream.source.error;
    iterator = stream.source.events[Symbol.asyncIterator]();
    while (!closed) {
      const step = await iterator.next();
      done = step.done === true;
      if (closed) break;
      if (step.done) {
        write(RETURN_FRAME);
        break;
      }
      let ok: boolean;
      if (isTrackedEnvelope(step.value)) {
        const [id, data] = step.value;
        lastEventId = id;
        ok = write(dataFrame(stream.toJson(data), id));
      } else if (lastEventId === null) {
        ok = write(dataFrame(stream.toJson(step.value), undefined));
      } else {
        write(dataFrame(stream.toJson(step.value), ''));
        ok = write(restoreIdFrame(lastEventId));
      }
      if (!ok) {
        await new Promise<void>((resolve) => {
          unblock = resolve;
          void drained(res).then(resolve);
        });
        unblock = null;
      }
    }
  } catch (cause) {
    done = true;
    if (!closed) write(errorFrame(stream.errorJson(cause)));
  } finally {
    if (!closed) {
      release();
      clearTimeout(ping);
      closed = true;
      res.end();
    }
    // Ended early (the client went, or the stream was closed) right after an event: let the
    // generator run its `finally` (it gives back its bus listener and limit slot).
    if (!done) await iterator?.return?.();
  }
}
