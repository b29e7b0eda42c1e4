import { z } from 'zod';

/** A JSON Schema object as zod emits it (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [key: string]: unknown };

const COMPONENT_REF = '#/components/schemas/';

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrites zod's local `#/$defs/X` references to the document's `#/components/schemas/X`. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!isObject(value)) return value;
  const result: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) {
    result[key] =
      key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')
        ? COMPONENT_REF + child.slice('#/$defs/'.length)
        : rewriteRefs(child);
  }
  return result;
}

/**
 * Converts schemas to JSON Schema for one OpenAPI document: schemas named with `.meta({ id })`
 * (shared/schemas/outputs.ts) become `components.schemas` entries, referenced from every use.
 */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  /**
   * The JSON Schema of what the schema accepts (`input`) or gives (`output`). Outputs are
   * documented open (no `additionalProperties: false`): an answer may gain fields (docs/api/types.md).
   */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json: JsonSchema = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      override: ({ jsonSchema }) => {
        if (io === 'output' && jsonSchema.additionalProperties === false)
          delete jsonSchema.additionalProperties;
      },
    });
    const { $schema: _dialect, $defs, ...root } = json;
    if (isObject($defs)) {
      for (const [name, definition] of Object.entries($defs)) this.add(name, rewriteRefs(definition));
    }
    const rewritten = rewriteRefs(root);
    return isObject(rewritten) ? rewritten : {};
  }

  private add(name: string, definition: unknown) {
    if (!isObject(definition)) return;
    const existing = this.components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(`Two different schemas are named ${name}`);
    }
    this.components[name] = definition;
  }
}

/** How a query-string value is read into the input: as it is, as a number, a boolean, or JSON. */
export type ParameterKind = 'string' | 'number' | 'boolean' | 'json';

/** The kind of a property's JSON Schema, for a query-string parameter. */
export function parameterKindOf(schema: unknown): ParameterKind {
  if (!isObject(schema)) return 'json';
  const type = schema.type;
  if (type === 'string') return 'string';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'json';
}

/** The properties and required names of an object schema (an input that is not one has neither). */
export function objectShapeOf(schema: JsonSchema): { properties: JsonSchema; required: string[] } {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  return { properties, required };
}
