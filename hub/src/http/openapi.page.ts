import type { OpenApiDocument } from './openapi';

interface Media {
  schema?: unknown;
}
interface Reply {
  $ref?: string;
  description?: string;
  content?: Record<string, Media>;
}
interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, unknown>[];
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { description?: string; content: Record<string, Media> };
  responses: Record<string, Reply>;
}

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Escaped, with `code` spans; the document's prose uses nothing else. */
const prose = (text: string) =>
  escape(text)
    .split(/\n\n+/)
    .map((paragraph) => `<p>${paragraph.replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
    .join('');

const schemaBlock = (schema: unknown) => `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;

const AUTH: Record<string, string> = {
  bearer: 'Bearer access token',
  refreshCookie: 'refresh cookie + x-csrf-token header',
};

function authOf(op: Operation): string {
  const schemes = op.security.flatMap((s) => Object.keys(s));
  return schemes.length === 0
    ? 'none (public, or proven by the request itself)'
    : schemes.map((s) => AUTH[s] ?? s).join(', ');
}

function responses(doc: OpenApiDocument, op: Operation): string {
  const rows = Object.entries(op.responses).map(([status, reply]) => {
    const resolved = reply.$ref ? (doc.components.responses![reply.$ref.split('/').pop()!] as Reply) : reply;
    const content = Object.entries(resolved.content ?? {})
      .map(([type, media]) =>
        media.schema
          ? `<details><summary>${escape(type)}</summary>${schemaBlock(media.schema)}</details>`
          : `<code>${escape(type)}</code>`,
      )
      .join('');
    return `<tr><td>${escape(status)}</td><td>${prose(String(resolved.description ?? ''))}${content}</td></tr>`;
  });
  return `<table><thead><tr><th>status</th><th>answer</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function parameters(op: Operation): string {
  const params = op.parameters;
  if (params.length === 0) return '';
  const rows = params.map(
    (p) =>
      `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`,
  );
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function body(op: Operation): string {
  if (!op.requestBody) return '';
  const content = Object.entries(op.requestBody.content)
    .map(
      ([type, media]) =>
        `<details open><summary>${escape(type)}</summary>${media.schema ? schemaBlock(media.schema) : ''}</details>`,
    )
    .join('');
  const description = op.requestBody.description ? prose(op.requestBody.description) : '';
  return `<h4>Request body</h4>${description}${content}`;
}

/** The reference page: every operation, its parameters, bodies, answers and who may call it. */
export function renderApiReference(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as Operation })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags[0]!))];
  const toc = tags
    .map(
      (tag) =>
        `<li>${escape(tag)}<ul>${operations
          .filter((o) => o.op.tags[0] === tag)
          .map(
            (o) =>
              `<li><a href="#${escape(o.op.operationId)}">${o.method.toUpperCase()} ${escape(o.path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = operations
    .map(
      ({ path, method, op }) => `<section id="${escape(op.operationId)}">
<h3><span class="method">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p><strong>${escape(op.summary)}</strong></p>${prose(op.description ?? '')}
<p>Authentication: ${escape(authOf(op))}</p>
${parameters(op)}${body(op)}<h4>Responses</h4>${responses(doc, op)}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} ${escape(doc.info.version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#1d1d1f}
section{border-top:1px solid #ddd;padding:.5rem 0 1rem}
.method{display:inline-block;min-width:4.5rem;font-weight:700;color:#6b2f8f}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
pre{background:#f6f6f8;padding:.5rem;overflow:auto;font-size:13px;max-height:30rem}
code{font-size:13px}
</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escape(doc.openapi)}).</p>
<h2>Authentication</h2>${prose(doc.info.description)}
<h2>Operations (${operations.length})</h2><ul>${toc}</ul>
${sections}
</body></html>`;
}
