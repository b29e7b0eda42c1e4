import { createHash } from 'node:crypto';
import type { OpenApiDocument } from './document.js';
import type { JsonSchema } from './json-schema.js';

/**
 * `GET /api/docs`: the OpenAPI document as one self-contained HTML page, rendered here on the
 * server: no script, no CDN, nothing fetched; works with no internet. Its only style sheet is
 * inline and allowed by its hash, so the page's Content-Security-Policy stays as strict as the
 * API's (no script at all, no other origin, no framing).
 */

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d232a; display: flex; }
nav { width: 17rem; flex: none; height: 100vh; overflow: auto; position: sticky; top: 0;
  background: #f4f6f8; padding: 1rem; box-sizing: border-box; font-size: 13px; }
nav a { display: block; color: inherit; text-decoration: none; padding: 1px 0; }
nav h3 { margin: 1rem 0 .25rem; text-transform: uppercase; font-size: 12px; color: #56606b; }
main { padding: 1rem 2rem 4rem; max-width: 60rem; min-width: 0; }
section.op { border-top: 1px solid #dde2e7; padding: 1rem 0; }
.method { display: inline-block; font: bold 12px monospace; padding: 2px 6px; border-radius: 4px;
  color: #fff; background: #2f6fb1; margin-right: .5rem; }
.method.post { background: #2c8a4b; }
code, pre { font: 13px/1.4 ui-monospace, monospace; }
pre { background: #f4f6f8; padding: .75rem; overflow: auto; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; border-bottom: 1px solid #e6e9ec; padding: 4px 8px; vertical-align: top; }
.muted { color: #56606b; }
`;

/** The page's Content-Security-Policy: its inline style by hash, and nothing else. */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A schema as indented JSON, with each `$ref` a link to the schema it names. */
function schemaBlock(schema: unknown): string {
  const json = escapeHtml(JSON.stringify(schema, null, 2));
  const linked = json.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_match, name: string) => `<a href="#schema-${name}">&quot;#/components/schemas/${name}&quot;</a>`,
  );
  return `<pre>${linked}</pre>`;
}

function field(entry: JsonSchema, key: string): unknown {
  return entry[key];
}

function parametersTable(parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters
    .map((parameter: JsonSchema) => {
      const schema = parameter.schema ?? parameter.content;
      const name = escapeHtml(String(parameter.name));
      return `<tr><td><code>${name}</code>${parameter.required ? ' <b>required</b>' : ''}</td><td>${schemaBlock(schema)}</td></tr>`;
    })
    .join('');
  return `<h4>Query parameters</h4><table><tr><th>Name</th><th>Schema</th></tr>${rows}</table>`;
}

function operationSection(path: string, method: string, entry: JsonSchema): string {
  const id = escapeHtml(String(field(entry, 'operationId')));
  const body = field(entry, 'requestBody');
  const responses = field(entry, 'responses');
  const ok =
    typeof responses === 'object' && responses !== null && '200' in responses ? responses['200'] : undefined;
  return `<section class="op" id="op-${id}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(path)}</code></h3>
<p><code>${id}</code> · <span class="muted">${escapeHtml(String(field(entry, 'description')))}</span></p>
${parametersTable(field(entry, 'parameters'))}
${body ? `<h4>JSON body</h4>${schemaBlock(body)}` : ''}
<h4>200</h4>${schemaBlock(ok)}
<p class="muted">Errors: the HTTP status with <a href="#schema-Error">Error</a> (code, reason, message, fieldErrors).</p>
</section>`;
}

/** The whole page for the document. */
export function renderDocsPage(document: OpenApiDocument): string {
  const sections: string[] = [];
  const nav: string[] = [];
  for (const tag of document.tags) {
    nav.push(`<h3>${escapeHtml(tag.name)}</h3>`);
    sections.push(
      `<h2 id="tag-${escapeHtml(tag.name)}">${escapeHtml(tag.name)}</h2><p>${escapeHtml(tag.description)}</p>`,
    );
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, entry] of Object.entries(methods)) {
        const tags = field(entry, 'tags');
        if (!Array.isArray(tags) || !tags.includes(tag.name)) continue;
        const id = escapeHtml(String(field(entry, 'operationId')));
        nav.push(`<a href="#op-${id}">${id}</a>`);
        sections.push(operationSection(path, method, entry));
      }
    }
  }
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section class="op" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaBlock(schema)}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title><style>${STYLE}</style></head>
<body><nav><a href="#top"><b>${escapeHtml(document.info.title)}</b></a>${nav.join('')}<h3>Schemas</h3><a href="#schemas">All schemas</a></nav>
<main id="top"><h1>${escapeHtml(document.info.title)}</h1><p>${escapeHtml(document.info.description)}</p>
<p>OpenAPI ${escapeHtml(document.openapi)} document: <a href="/api/openapi.json"><code>/api/openapi.json</code></a>.
Security: the session cookie <code>${escapeHtml(String(document.components.securitySchemes.sessionCookie?.name))}</code>, or <code>Authorization: Bearer &lt;token&gt;</code>.</p>
${sections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas}
</main></body></html>`;
}
