/**
 * The Server-Sent-Event frames of a tRPC subscription, byte for byte as tRPC's own SSE producer
 * writes them (@trpc/server 11, `sseStreamProducer`): each field on its own line, then a blank line
 * and one more newline. `httpSubscriptionLink` reads `connected` (its reconnect settings), tracked
 * events (`data` and `id`), `ping`, `serialized-error` (an error shape, then it stops) and `return`
 * (the subscription completed: it does not reconnect). A response that ends without `return`
 * makes the link reconnect with the last id it received.
 */

const END = '\n\n';

/** The first frame: the client's reconnect settings (`sse.client` of the tRPC config). */
export const connectedFrame = (clientOptions: object): string =>
  `event: connected\ndata: ${JSON.stringify(clientOptions)}\n${END}`;

/** An event: tracked ones carry their id; `id` is '' for an untracked event after a tracked one. */
export const dataFrame = (json: string, id: string | undefined): string =>
  id === undefined ? `data: ${json}\n${END}` : `data: ${json}\nid: ${id}\n${END}`;

/** After an untracked event cleared the id: gives the client its last tracked id back. */
export const restoreIdFrame = (id: string): string => `event: restore-id\ndata: \nid: ${id}\n${END}`;

export const PING_FRAME = `event: ping\ndata: \n${END}`;
export const RETURN_FRAME = `event: return\ndata: \n${END}`;

/** The subscription failed: its serialized error shape. */
export const errorFrame = (json: string): string => `event: serialized-error\ndata: ${json}\n${END}`;

/** The headers tRPC gives a stream (Cache-Control comes from the header rule: no-store). */
export const SSE_HEADERS = [
  'Content-Type',
  'text/event-stream',
  'X-Accel-Buffering',
  'no',
  'Connection',
  'keep-alive',
];
