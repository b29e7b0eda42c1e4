/**
 * JSON Schema as a short, readable type in HTML (`{ variantId: string (1–64 chars), quantity:
 * integer 1–99 }`), named schemas as links to their section: the docs page's notation.
 */

type Schema = { [key: string]: unknown };

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

const INDENT = '  ';

function range(min: unknown, max: unknown, unit = ''): string {
  const hasMin = typeof min === 'number';
  const hasMax = typeof max === 'number' && max < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return ` ${min}–${max}${unit}`;
  if (hasMin && min !== 0) return ` ≥ ${min}${unit}`;
  if (hasMax) return ` ≤ ${max}${unit}`;
  return '';
}

function scalar(type: string, schema: Schema): string {
  if (type === 'string') {
    const length = range(schema.minLength, schema.maxLength, ' chars');
    const format = typeof schema.format === 'string' ? ` ${schema.format}` : '';
    const pattern = typeof schema.pattern === 'string' && !format ? ` /${schema.pattern}/` : '';
    return `string${format}${length ? ` (${length.trim()})` : ''}${pattern}`;
  }
  if (type === 'integer' || type === 'number') return `${type}${range(schema.minimum, schema.maximum)}`;
  return type;
}

function objectText(schema: Schema, depth: number): string {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const names = Object.keys(properties);
  if (names.length === 0)
    return isSchema(schema.additionalProperties)
      ? `{ [key]: ${schemaHtml(schema.additionalProperties, depth)} }`
      : 'object';
  const pad = INDENT.repeat(depth + 1);
  const lines = names.map((name) => {
    const property = properties[name];
    const optional = required.includes(name) ? '' : '?';
    const description =
      isSchema(property) && typeof property.description === 'string' ? property.description : '';
    const note = description ? ` <span class="muted">// ${escapeHtml(description)}</span>` : '';
    return `${pad}<b>${escapeHtml(name)}</b>${optional}: ${schemaHtml(property, depth + 1)}${note}`;
  });
  return `{\n${lines.join('\n')}\n${INDENT.repeat(depth)}}`;
}

/** The schema as HTML type text, nested objects indented from `depth`. */
export function schemaHtml(schema: unknown, depth = 0): string {
  if (!isSchema(schema)) return 'any';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop() ?? '';
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(schema.enum))
    return schema.enum.map((value) => escapeHtml(JSON.stringify(value))).join(' | ');
  if ('const' in schema) return escapeHtml(JSON.stringify(schema.const));
  const alternatives = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : null;
  if (alternatives) return alternatives.map((alternative) => schemaHtml(alternative, depth)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const parts = types.map((type) => {
    if (type === 'object') return objectText(schema, depth);
    if (type === 'array') return `${schemaHtml(schema.items, depth)}[]`;
    return typeof type === 'string' ? scalar(type, schema) : 'any';
  });
  const text = parts.join(' | ');
  return 'default' in schema
    ? `${text} <span class="muted">= ${escapeHtml(JSON.stringify(schema.default))}</span>`
    : text;
}
