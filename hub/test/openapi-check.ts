import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { openApiDocument } from '../src/api';

type Json = Record<string, any>;

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  literals: number;
  op: Json;
}

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

let operations: Operation[] | undefined;

function allOperations(): Operation[] {
  operations ??= Object.entries(openApiDocument().paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const segments = template.split('/');
      return {
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(
          `^${segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`,
        ),
        literals: segments.filter((s) => s && !s.startsWith('{')).length,
        op: op as Json,
      };
    }),
  );
  return operations;
}

/** The documented operation that serves `METHOD path` (the most specific template wins, as in the router). */
export function operationFor(method: string, path: string): Operation | undefined {
  return allOperations()
    .filter((o) => o.method === method && o.pattern.test(path))
    .sort((a, b) => b.literals - a.literals)[0];
}

function validator(key: string, schema: Json): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

function resolve(reply: Json): Json {
  if (!reply.$ref) return reply;
  return openApiDocument().components.responses![String(reply.$ref).split('/').pop()!] as Json;
}

/** Every JSON Schema in the document compiles (ajv, JSON Schema 2020-12); a broken one throws. */
export function compileEverySchema(): number {
  let count = 0;
  const visit = (node: unknown, key: string): void => {
    if (!node || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node)) {
      if (name === 'schema' && value && typeof value === 'object' && !Array.isArray(value)) {
        validator(`${key}/schema`, value as Json);
        count++;
      } else visit(value, `${key}/${name}`);
    }
  };
  visit(openApiDocument(), '#');
  return count;
}

export interface Answer {
  method: string;
  /** Path and query, as requested. */
  url: string;
  status: number;
  contentType: string | null;
  /** The parsed JSON body, when the answer is JSON. */
  body?: unknown;
}

/**
 * Why an answer does not match the API document, or undefined when it does: the status is
 * one the operation lists (an error status may fall to `default`), the media type is the
 * documented one, and a JSON body validates against the documented schema.
 */
export function mismatch(answer: Answer): string | undefined {
  const method = answer.method.toUpperCase();
  if (method === 'HEAD' || method === 'OPTIONS') return undefined;
  // Node's HTTP parser refuses oversized headers before any route runs, with no body.
  if (answer.status === 431 && answer.contentType === null) return undefined;
  const path = new URL(answer.url, 'http://hub').pathname;
  const json = /^application\/json\b/.test(answer.contentType ?? '');
  const found = operationFor(method, path);
  const what = `${method} ${path} → ${answer.status}`;
  if (!found) {
    // The UI's pages and assets are not API routes; anything else answering JSON must be.
    if (answer.status >= 400 || !json) {
      if (!json) return undefined;
      const validate = validator(
        '#/components/responses/Error',
        resolve({ $ref: '#/components/responses/Error' }).content['application/json'].schema,
      );
      return validate(answer.body)
        ? undefined
        : `${what}: not the error shape: ${ajv.errorsText(validate.errors)}`;
    }
    return `${what}: no operation in the API document serves it`;
  }
  const listed = found.op.responses[String(answer.status)] as Json | undefined;
  const reply = listed ?? (answer.status >= 400 ? found.op.responses.default : undefined);
  if (!reply) return `${what}: ${method} ${found.template} does not list status ${answer.status}`;
  const resolved = resolve(reply);
  const content = (resolved.content ?? {}) as Record<string, Json>;
  const types = Object.keys(content);
  if (types.length === 0) return undefined;
  if (content['application/json']) {
    if (!json) return `${what}: documented as JSON, answered ${answer.contentType}`;
    const key = `${method} ${found.template} ${listed ? answer.status : 'default'}`;
    const validate = validator(key, content['application/json'].schema);
    if (validate(answer.body)) return undefined;
    return `${what}: the body breaks the documented schema: ${ajv.errorsText(validate.errors)}; body ${JSON.stringify(answer.body).slice(0, 500)}`;
  }
  const essence = (answer.contentType ?? '').split(';')[0]!.trim();
  const documented = types.map((t) => t.split(';')[0]!.trim());
  if (!documented.includes(essence) && !documented.includes('*/*'))
    return `${what}: answered ${answer.contentType}, documented ${types.join(' or ')}`;
  return undefined;
}

/** Throws when an answer breaks the API document (used by the test clients on every answer). */
export function assertDocumented(answer: Answer): void {
  const problem = mismatch(answer);
  if (problem) throw new Error(`API document mismatch: ${problem}`);
}
