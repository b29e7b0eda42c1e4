import type { MiddlewareHandler } from 'hono';
import { errorBody, refusalFor } from './error-response.js';

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Answers 400 to a URL whose path or query has broken percent-encoding, and to a tRPC `?input`
 * that is not JSON (tRPC itself skips the input of procedures that take none).
 */
export const urlGuard: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const pathAndQuery = start === -1 ? '' : url.slice(start);
  if (!pathAndQuery.split(/[?&=]/).every((part) => decodes(part.replaceAll('+', ' ')))) {
    return c.json(
      refusalFor(c.req.path, errorBody('BAD_REQUEST', 'MALFORMED_REQUEST', 'Malformed URL')),
      400,
    );
  }
  const input = c.req.query('input');
  if (input !== undefined && !isJson(input)) {
    return c.json(errorBody('PARSE_ERROR', 'MALFORMED_REQUEST', 'Malformed JSON in ?input'), 400);
  }
  return next();
};
