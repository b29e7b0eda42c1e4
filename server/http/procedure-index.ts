import type { AnyTRPCProcedure, AnyTRPCRouter, TRPCProcedureType, TRPCRouterRecord } from '@trpc/server';

/** Every procedure of a router by dotted path (`catalog.product`) with its type. */
export function indexProcedures(router: AnyTRPCRouter): ReadonlyMap<string, TRPCProcedureType> {
  const index = new Map<string, TRPCProcedureType>();
  const walk = (record: TRPCRouterRecord, prefix: string) => {
    for (const [key, value] of Object.entries(record)) {
      if (isProcedure(value)) index.set(prefix + key, value._def.type);
      else walk(value, `${prefix}${key}.`);
    }
  };
  walk(router._def.record, '');
  return index;
}

/** Procedures are functions; sub-router records are plain objects. */
function isProcedure(value: AnyTRPCProcedure | TRPCRouterRecord): value is AnyTRPCProcedure {
  return typeof value === 'function';
}
