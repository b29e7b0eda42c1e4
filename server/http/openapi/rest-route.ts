import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from '@trpc/server';
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Context, NodeRequest } from '../../context.js';
import type { AppRouter } from '../../routers/_app.js';
import { errorBody, type RestError, restErrorOf } from '../error-response.js';
import type { RequestVariables } from '../request-log.js';
import type { RestOperation } from './document.js';
import type { ParameterKind } from './json-schema.js';
import { procedurePathOf } from './operations.js';

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** One query-string value as its field's kind; a value that does not read as one stays a string for zod to refuse. */
function readValue(kind: ParameterKind, value: string): unknown {
  if (kind === 'number') return NUMBER.test(value) ? Number(value) : value;
  if (kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  if (kind === 'json') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** A GET's input from its query string (none when it has no parameters); a repeated name gives a list. */
function queryInput(url: string, kinds: ReadonlyMap<string, ParameterKind>): unknown {
  const params = new URL(url).searchParams;
  if (params.size === 0) return undefined;
  const input: Record<string, unknown> = {};
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name).map((value) => readValue(kinds.get(name) ?? 'string', value));
    input[name] = values.length === 1 ? values[0] : values;
  }
  return input;
}

/** `application/json`, with or without parameters. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().split(';', 1)[0]?.trim() === 'application/json';
}

/** A POST's input: its JSON body (none when empty). Refusals go through tRPC's error formatter. */
async function bodyInput(c: HonoContext): Promise<unknown> {
  const text = await c.req.text();
  if (text === '') return undefined;
  if (!isJson(c.req.header('content-type'))) {
    throw new TRPCError({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Send a JSON body (Content-Type: application/json)',
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new TRPCError({ code: 'PARSE_ERROR', cause });
  }
}

export interface RestRouteOptions {
  router: AppRouter;
  operations: readonly RestOperation[];
  createContext: (req: NodeRequest, requestId: string, resHeaders: Pick<Headers, 'append'>) => Context;
  /** tRPC's onError (app.ts trpcErrorLogger): unexpected failures are logged. */
  onError: (opts: { error: TRPCError; path: string; ctx: Context }) => void;
}

export type RestEnv = { Bindings: { incoming: NodeRequest }; Variables: RequestVariables };

/** An HTTP status that carries a body (what tRPC maps its error codes to). */
function isContentfulStatus(status: number): status is ContentfulStatusCode {
  return (
    Number.isInteger(status) &&
    status >= 200 &&
    status <= 599 &&
    status !== 204 &&
    status !== 205 &&
    status !== 304
  );
}

/** A JSON answer with the cookies the call set. */
function answer(c: HonoContext<RestEnv>, status: number, body: unknown, cookies: string[]) {
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
  return c.json(body, isContentfulStatus(status) ? status : 500);
}

/**
 * The REST mirror (`/api/v1/<area>/<procedure>`): calls the procedure through tRPC's public caller
 * with the context every tRPC call gets (cookie or bearer session, guest cart, client address),
 * so validation, roles and reasons are the procedure's own; errors are tRPC's error shape, flat.
 * Headers, log line, metrics, cross-origin, credential and size rules come from the app before it.
 */
export function restRoute({ router, operations, createContext, onError }: RestRouteOptions) {
  const byPath = new Map(operations.map((operation) => [operation.id, operation]));

  return async (c: HonoContext<RestEnv>) => {
    const path = procedurePathOf(c.req.path) ?? '';
    const operation = byPath.get(path);
    const refuse = (status: 404 | 405, body: RestError) => c.json(body, status);
    if (!operation) return refuse(404, restErrorOf(errorBody('NOT_FOUND', 'NOT_FOUND', 'No such operation')));
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (method !== operation.method) {
      c.header('Allow', operation.method);
      const message = `${operation.restPath} takes ${operation.method}`;
      return refuse(405, restErrorOf(errorBody('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', message)));
    }

    const cookies: string[] = [];
    const ctx = createContext(c.env.incoming, c.get('requestId'), {
      append: (name, value) => {
        if (name.toLowerCase() === 'set-cookie') cookies.push(value);
      },
    });
    let input: unknown;
    const getRawInput = async () => {
      input = operation.method === 'GET' ? queryInput(c.req.url, operation.queryKinds) : await bodyInput(c);
      return input;
    };
    try {
      const data: unknown = await callTRPCProcedure({
        router,
        path: operation.id,
        getRawInput,
        ctx,
        type: operation.type,
        signal: undefined,
        batchIndex: 0,
      });
      return answer(c, 200, data ?? null, cookies);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      onError({ error, path, ctx });
      const config = router._def._config;
      const shape = getTRPCErrorShape({ config, error, type: operation.type, path, input, ctx });
      const { code, httpStatus, reason } = shape.data;
      const body: RestError = {
        code,
        ...(reason !== undefined && { reason }),
        message: shape.message,
        ...('fieldErrors' in shape.data && {
          fieldErrors: shape.data.fieldErrors,
          formErrors: shape.data.formErrors,
        }),
      };
      return answer(c, httpStatus, body, cookies);
    }
  };
}
