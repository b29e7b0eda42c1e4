import type { MiddlewareHandler } from 'hono';
import { errorBody } from './error-response.js';

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Answers 400 to a URL whose path or query has broken percent-encoding. */
export const urlGuard: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const pathAndQuery = start === -1 ? '' : url.slice(start);
  const ok = pathAndQuery.split(/[?&=]/).every((part) => decodes(part.replaceAll('+', ' ')));
  if (ok) return next();
  return c.json(errorBody('BAD_REQUEST', 'MALFORMED_REQUEST', 'Malformed URL'), 400);
};
