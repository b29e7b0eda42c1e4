import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCRouterRecord } from '@trpc/server';
import type { z } from 'zod';
import type { ProcedureMeta } from '../../trpc.js';

/** Where the REST mirror lives: `/api/v1/<area>/<procedure>` (`/api/v1/catalog/products`). */
export const REST_PREFIX = '/api/v1/';

/** One procedure as a REST operation: a query is a GET, a mutation a POST. */
export interface Operation {
  /** The procedure's path, also the operation's `operationId` (`catalog.products`). */
  id: string;
  type: 'query' | 'mutation';
  method: 'GET' | 'POST';
  /** The operation's URL path (`/api/v1/catalog/products`). */
  restPath: string;
  access: NonNullable<ProcedureMeta['access']>;
  /** The input schema, when the procedure takes input. */
  input: z.ZodType | undefined;
  /** The answer's schema, when the procedure documents one. */
  output: z.ZodType | undefined;
}

/** The REST path of a procedure path. */
export function restPathOf(procedurePath: string): string {
  return REST_PREFIX + procedurePath.replaceAll('.', '/');
}

/** The procedure path of a URL path under the REST prefix, or undefined for any other path. */
export function procedurePathOf(urlPath: string): string | undefined {
  if (!urlPath.startsWith(REST_PREFIX)) return undefined;
  return urlPath.slice(REST_PREFIX.length).replaceAll('/', '.');
}

/** Procedures are functions; sub-router records are plain objects. */
function isProcedure(value: AnyTRPCProcedure | TRPCRouterRecord): value is AnyTRPCProcedure {
  return typeof value === 'function';
}

const ACCESS = ['public', 'customer', 'admin'] as const;

function isAccess(value: unknown): value is NonNullable<ProcedureMeta['access']> {
  return ACCESS.some((access) => access === value);
}

/** Meta as the procedure builders in server/trpc.ts and the routers set it. */
function metaOf(procedure: AnyTRPCProcedure): ProcedureMeta {
  const meta: unknown = procedure._def.meta;
  if (typeof meta !== 'object' || meta === null) return {};
  return {
    access: 'access' in meta && isAccess(meta.access) ? meta.access : undefined,
    output: 'output' in meta && isZodSchema(meta.output) ? meta.output : undefined,
  };
}

/** The input schema: procedures here take one zod `.input()` at most. */
function inputOf(procedure: AnyTRPCProcedure): z.ZodType | undefined {
  const inputs: unknown[] = procedure._def.inputs;
  const [first] = inputs;
  return isZodSchema(first) ? first : undefined;
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * Every query and mutation of the router as a REST operation, in the router's order.
 * Subscriptions are left out: they are a stream, served by tRPC's SSE transport only.
 */
export function listOperations(router: AnyTRPCRouter): Operation[] {
  const operations: Operation[] = [];
  const walk = (record: TRPCRouterRecord, prefix: string) => {
    for (const [key, value] of Object.entries(record)) {
      if (!isProcedure(value)) {
        walk(value, `${prefix}${key}.`);
        continue;
      }
      const type = value._def.type;
      if (type !== 'query' && type !== 'mutation') continue;
      const id = prefix + key;
      const meta = metaOf(value);
      operations.push({
        id,
        type,
        method: type === 'query' ? 'GET' : 'POST',
        restPath: restPathOf(id),
        access: meta.access ?? 'public',
        input: inputOf(value),
        output: meta.output,
      });
    }
  };
  walk(router._def.record, '');
  return operations;
}
