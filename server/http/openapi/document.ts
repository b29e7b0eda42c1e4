import type { AnyTRPCRouter } from '@trpc/server';
import { apiErrorOutput } from '../../../shared/schemas/outputs.js';
import {
  type JsonSchema,
  objectShapeOf,
  type ParameterKind,
  parameterKindOf,
  SchemaCollector,
} from './json-schema.js';
import { listOperations, type Operation } from './operations.js';

/** An operation as the REST mirror serves it: how its query string is read, and its document entry. */
export interface RestOperation extends Operation {
  /** For a GET: each input field's kind, read from the query string by that name. */
  queryKinds: ReadonlyMap<string, ParameterKind>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

export interface DocumentFacts {
  /** The server's public URL (PUBLIC_URL), else the document names no host (`/`). */
  publicUrl: string | undefined;
  sessionCookie: string;
}

const TAGS: Record<string, string> = {
  store: 'The store itself',
  auth: 'Accounts and sessions',
  catalog: 'Categories and products',
  reviews: 'Product reviews',
  cart: 'The cart (the signed-in user’s, else a guest cart kept by its own cookie)',
  checkout: 'Shipping, totals and placing an order (signed in)',
  orders: 'The signed-in customer’s own orders',
  admin: 'Running the shop (admins only)',
};

const ACCESS_NOTES = {
  public: 'Anyone may call it.',
  customer: 'Signed in (a customer or an admin): UNAUTHORIZED when signed out.',
  admin: 'Admins only: UNAUTHORIZED when signed out, FORBIDDEN for customers.',
} as const;

const ERROR_RESPONSE = {
  description:
    'Refused or failed: the HTTP status of the tRPC error, with its code and reason (docs/api/errors.md lists the reasons).',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/** The input's parameters for a GET: scalar fields as plain values, objects and arrays as JSON. */
function queryParameters(input: JsonSchema | undefined) {
  if (!input) return { parameters: [], kinds: new Map<string, ParameterKind>() };
  const { properties, required } = objectShapeOf(input);
  const kinds = new Map<string, ParameterKind>();
  const parameters = Object.entries(properties).map(([name, schema]) => {
    const kind = parameterKindOf(schema);
    kinds.set(name, kind);
    const base = { name, in: 'query', required: required.includes(name) };
    return kind === 'json'
      ? { ...base, description: 'JSON-encoded', content: { 'application/json': { schema } } }
      : { ...base, schema };
  });
  return { parameters, kinds };
}

/** True when the procedure may be called without input (its schema has a default, or it takes none). */
function inputOptional(operation: Operation): boolean {
  return operation.input === undefined || operation.input.safeParse(undefined).success;
}

function describe(operation: Operation, collector: SchemaCollector) {
  const input = operation.input ? collector.convert(operation.input, 'input') : undefined;
  const output = operation.output ? collector.convert(operation.output, 'output') : {};
  const query = operation.method === 'GET' ? queryParameters(input) : undefined;
  const entry: JsonSchema = {
    operationId: operation.id,
    tags: [operation.id.split('.')[0] ?? operation.id],
    summary: `${operation.id} (${operation.type})`,
    description: ACCESS_NOTES[operation.access],
    security:
      operation.access === 'public'
        ? [{}, { sessionCookie: [] }, { bearerToken: [] }]
        : [{ sessionCookie: [] }, { bearerToken: [] }],
    ...(query && query.parameters.length > 0 && { parameters: query.parameters }),
    ...(operation.method === 'POST' &&
      input && {
        requestBody: {
          required: !inputOptional(operation),
          content: { 'application/json': { schema: input } },
        },
      }),
    responses: {
      '200': {
        description: operation.output
          ? 'The procedure’s answer'
          : 'The procedure’s answer (not documented yet)',
        content: { 'application/json': { schema: output } },
      },
      '4XX': ERROR_RESPONSE,
      '5XX': ERROR_RESPONSE,
    },
  };
  return { entry, kinds: query?.kinds ?? new Map<string, ParameterKind>() };
}

/**
 * The OpenAPI 3.1 document of the router's queries and mutations, generated from the procedures
 * (paths, access) and their zod schemas (inputs, and outputs from `meta.output`), and the REST
 * operations that serve them: the document and the mirror are built from the same list.
 */
export function buildOpenApi(router: AnyTRPCRouter, facts: DocumentFacts) {
  const collector = new SchemaCollector();
  const operations: RestOperation[] = [];
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of listOperations(router)) {
    const { entry, kinds } = describe(operation, collector);
    paths[operation.restPath] = { [operation.method.toLowerCase()]: entry };
    operations.push({ ...operation, queryKinds: kinds });
  }
  const error = collector.convert(apiErrorOutput, 'output');
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Backroom storefront API',
      version: '1',
      description:
        'Every tRPC query and mutation as REST: a query is GET with its input as query parameters, a ' +
        'mutation is POST with a JSON body. A success is 200 with the answer; an error carries the ' +
        'status, code and reason the same tRPC call gives. Sign in with the session cookie (browsers) ' +
        "or `auth.signIn` with `session: 'token'` and `Authorization: Bearer <token>` (other clients).",
    },
    servers: [{ url: facts.publicUrl ?? '/' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...collector.components, Error: error },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: facts.sessionCookie },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A session token from auth.signIn or auth.signUp with `session: 'token'`",
        },
      },
    },
  };
  return { document, operations };
}
