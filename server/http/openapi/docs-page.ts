import { createHash } from 'node:crypto';
import type { OpenApiDocument } from './document.js';
import type { JsonSchema } from './json-schema.js';
import { escapeHtml, schemaHtml } from './schema-html.js';

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
code, pre { font: 13px/1.45 ui-monospace, monospace; }
pre { background: #f4f6f8; padding: .75rem; overflow: auto; border-radius: 4px; margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; border-bottom: 1px solid #e6e9ec; padding: 4px 8px; vertical-align: top; }
h4 { margin: .75rem 0 .25rem; }
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

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON schema of a parameter, body or response (`content['application/json'].schema`). */
function jsonSchemaIn(holder: unknown): unknown {
  if (!isObject(holder)) return undefined;
  if ('schema' in holder) return holder.schema;
  const content = holder.content;
  const json = isObject(content) ? content['application/json'] : undefined;
  return isObject(json) ? json.schema : undefined;
}

function parametersTable(parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters.filter(isObject).map((parameter) => {
    const name = escapeHtml(String(parameter.name));
    const required = parameter.required ? ' <b>required</b>' : '';
    const json = 'content' in parameter ? ' <span class="muted">(JSON-encoded)</span>' : '';
    return `<tr><td><code>${name}</code>${required}${json}</td><td><pre>${schemaHtml(jsonSchemaIn(parameter))}</pre></td></tr>`;
  });
  return `<h4>Query parameters</h4><table>${rows.join('')}</table>`;
}

function operationSection(path: string, method: string, entry: JsonSchema): string {
  const id = escapeHtml(String(entry.operationId));
  const responses = isObject(entry.responses) ? entry.responses : {};
  const body = entry.requestBody;
  const bodyRequired = isObject(body) && body.required === true ? ' (required)' : ' (optional)';
  return `<section class="op" id="op-${id}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(path)}</code></h3>
<p><code>${id}</code> · <span class="muted">${escapeHtml(String(entry.description))}</span></p>
${parametersTable(entry.parameters)}
${body ? `<h4>JSON body${bodyRequired}</h4><pre>${schemaHtml(jsonSchemaIn(body))}</pre>` : ''}
<h4>200</h4><pre>${schemaHtml(jsonSchemaIn(responses['200']))}</pre>
<p class="muted">Errors: the HTTP status with an <a href="#schema-Error">Error</a>.</p>
</section>`;
}

/** The whole page for the document. */
export function renderDocsPage(document: OpenApiDocument): string {
  const sections: string[] = [];
  const nav: string[] = [];
  for (const tag of document.tags) {
    const name = escapeHtml(tag.name);
    nav.push(`<h3>${name}</h3>`);
    sections.push(`<h2 id="tag-${name}">${name}</h2><p>${escapeHtml(tag.description)}</p>`);
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, entry] of Object.entries(methods)) {
        const tags = entry.tags;
        if (!Array.isArray(tags) || !tags.includes(tag.name)) continue;
        const id = escapeHtml(String(entry.operationId));
        nav.push(`<a href="#op-${id}">${id}</a>`);
        sections.push(operationSection(path, method, entry));
      }
    }
  }
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) =>
      `<section class="op" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><pre>${schemaHtml(schema)}</pre></section>`,
  );
  const title = escapeHtml(document.info.title);
  const cookie = document.components.securitySchemes.sessionCookie?.name;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><nav><a href="#top"><b>${title}</b></a>${nav.join('')}<h3>Schemas</h3><a href="#schemas">All schemas</a></nav>
<main id="top"><h1>${title}</h1><p>${escapeHtml(document.info.description)}</p>
<p>The OpenAPI ${escapeHtml(document.openapi)} document: <a href="/api/openapi.json"><code>/api/openapi.json</code></a>.
Signed-in calls carry the session cookie <code>${escapeHtml(String(cookie))}</code> (browsers) or
<code>Authorization: Bearer &lt;token&gt;</code> (other clients). <code>?</code> marks an optional field.</p>
${sections.join('\n')}
<h2 id="schemas">Schemas</h2>
${schemas.join('\n')}
</main></body></html>`;
}
