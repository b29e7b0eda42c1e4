import { errorBody } from './error-response.js';

/** The largest request body accepted, declared or streamed. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The most calls one tRPC batch may hold. */
export const MAX_BATCH_SIZE = 20;

/** The answer to a body over MAX_BODY_BYTES, whichever layer notices it. */
export const PAYLOAD_TOO_LARGE = errorBody(
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'Request body over 1 MiB',
);
