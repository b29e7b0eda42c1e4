import { z } from 'zod';
import type { TestApp } from './app.js';
import { CookieJar, rawRequest } from './client.js';

/** The parts of the OpenAPI document a client reads to call an operation. */
const parameterShape = z.looseObject({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  content: z.record(z.string(), z.unknown()).optional(),
  schema: z.unknown().optional(),
});
const operationShape = z.looseObject({
  operationId: z.string(),
  parameters: z.array(parameterShape).optional(),
  requestBody: z.unknown().optional(),
  responses: z.record(z.string(), z.unknown()),
});
export const documentShape = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), operationShape)),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
});
export type OpenApiDocument = z.infer<typeof documentShape>;

/** GET /api/openapi.json, read as a client would. */
export async function fetchDocument(
  app: TestApp,
): Promise<{ raw: Record<string, unknown>; document: OpenApiDocument }> {
  const response = await rawRequest(app, '/api/openapi.json');
  if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  const raw = z.record(z.string(), z.unknown()).parse(await response.json());
  return { raw, document: documentShape.parse(raw) };
}

/** Every operation of the document with its path and method. */
export function operationsOf(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
}

export interface RestAnswer {
  status: number;
  body: unknown;
  response: Response;
}

/**
 * Calls operations by `operationId` the way the document says: its path and method, a GET's input
 * as query parameters (JSON-encoded where the parameter says so), a POST's as a JSON body.
 * Keeps cookies in `jar` like a browser; with `bearer`, sends `Authorization: Bearer …` instead.
 */
export function restClient(
  app: TestApp,
  document: OpenApiDocument,
  options: { jar?: CookieJar; bearer?: string; headers?: Record<string, string> } = {},
) {
  const jar = options.jar ?? new CookieJar();
  const operations = operationsOf(document);
  const call = async (operationId: string, input?: Record<string, unknown>): Promise<RestAnswer> => {
    const found = operations.find((entry) => entry.operation.operationId === operationId);
    if (!found) throw new Error(`the document has no operation ${operationId}`);
    const headers = new Headers(options.headers);
    if (jar.cookies.size > 0) headers.set('cookie', jar.header());
    if (options.bearer !== undefined) headers.set('authorization', `Bearer ${options.bearer}`);
    let target = found.path;
    let body: string | undefined;
    if (found.method === 'GET') {
      const query = new URLSearchParams();
      for (const parameter of found.operation.parameters ?? []) {
        const value = input?.[parameter.name];
        if (value === undefined) continue;
        query.set(parameter.name, parameter.content ? JSON.stringify(value) : String(value));
      }
      if (query.size > 0) target += `?${query}`;
    } else if (input !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(input);
    }
    const response = await rawRequest(app, target, { method: found.method, headers, ...(body && { body }) });
    jar.store(response);
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), response };
  };
  return { call, jar };
}

/** The REST error body (docs/rest-and-openapi.md): code, reason, message, and field errors for invalid input. */
export const restErrorShape = z.object({
  code: z.string(),
  reason: z.string(),
  message: z.string(),
  fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  formErrors: z.array(z.string()).optional(),
});
