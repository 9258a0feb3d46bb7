import { z } from 'zod';
import { can, ROLES, type Action } from '@velvet/shared';

/*
 * The API document (OpenAPI 3.1), built from the zod schemas the routes validate with.
 * Each module lists its routes in a `*.api.ts` beside its `*.routes.ts`; `hub/src/api.ts`
 * gathers the lists. A route the app serves without an entry fails `hub/test/openapi.test.ts`.
 */

/** How a caller proves who it is on one route. */
export type ApiAuth =
  /** `Authorization: Bearer <accessToken>` from `POST /api/auth/login` or `/api/auth/refresh`. */
  | 'bearer'
  /** The httpOnly refresh cookie, with the `x-csrf-token` header when the cookie is sent. */
  | 'refresh'
  /** Nobody in particular: public, or proven by the body (a password, a single-use state). */
  | 'none'
  /** The platform or payment provider, by its own signature or secret header. */
  | 'signature';

/** A response without a zod schema: no body, or bytes that are not JSON. */
export interface RawReply {
  description: string;
  /** Omitted: no body. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface JsonReply {
  description: string;
  schema: z.ZodType;
}

export type Reply = RawReply | JsonReply;

export interface ApiRoute {
  /** `METHOD /path` with Express's `:param`s, exactly as the app registers it. */
  route: string;
  summary: string;
  /** The policy rule the route checks: the document says who passes it, from `can()` itself. */
  action?: Action;
  /** Who may call it, in words, where no single rule says it. */
  access?: string;
  auth: ApiAuth;
  description?: string;
  /** Path parameters; by default each `:name` is a UUID when it ends in `id`/`Id`, else a string. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body (its zod schema), or another media type described in words. */
  body?: z.ZodType | { contentType: string; description: string; schema?: Record<string, unknown> };
  /** The answers that are not errors, by status. */
  responses: Record<number, Reply>;
  /** Error statuses beyond the ones implied (401/403 for bearer routes, 404 with ids, 422 with input). */
  errors?: number[];
}

export const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export const validationErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.literal('validation_failed'),
    message: z.string(),
    details: z.strictObject({
      fields: z.array(z.strictObject({ path: z.string(), message: z.string() })),
    }),
  }),
});

const ERRORS: Record<number, { name: string; description: string; schema: z.ZodType }> = {
  400: {
    name: 'BadRequest',
    description: 'The request could not be read (bad JSON, bad encoding) or was refused as invalid',
    schema: errorBody,
  },
  401: { name: 'Unauthorized', description: 'No valid access token (or refresh cookie)', schema: errorBody },
  403: {
    name: 'Forbidden',
    description: 'Signed in, but the role or creator scope does not allow it (or the CSRF header is missing)',
    schema: errorBody,
  },
  404: {
    name: 'NotFound',
    description: 'No such record in the caller’s reach (an id that is not a UUID is not found either)',
    schema: errorBody,
  },
  409: { name: 'Conflict', description: 'The record’s state does not allow it now', schema: errorBody },
  413: {
    name: 'TooLarge',
    description: 'The body is over the limit; nothing of it was kept',
    schema: errorBody,
  },
  410: { name: 'Gone', description: 'The address was genuine but has expired', schema: errorBody },
  422: {
    name: 'ValidationFailed',
    description: 'Well-formed, but a field breaks the schema: each bad field is named',
    schema: validationErrorBody,
  },
  429: {
    name: 'RateLimited',
    description: 'Too many attempts; `Retry-After` says when to try again',
    schema: errorBody,
  },
  502: { name: 'Upstream', description: 'The platform refused or did not answer', schema: errorBody },
  503: { name: 'Unavailable', description: 'A dependency is down or not configured', schema: errorBody },
};

/** Which error answers a route gives besides its own list. */
function impliedErrors(api: ApiRoute): number[] {
  const statuses = new Set(api.errors ?? []);
  if (api.auth === 'bearer') {
    statuses.add(401);
    statuses.add(403);
  }
  if (/\/:/.test(api.route)) statuses.add(404);
  if (api.query || (api.body && isZod(api.body))) statuses.add(422);
  return [...statuses].sort((a, b) => a - b);
}

function isZod(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the wire carries it. */
export function jsonSchema(schema: z.ZodType, closed = false): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  delete out.$schema;
  // A response names every field it carries: an undocumented one fails the response checks.
  if (closed) closeObjects(out);
  return out as JsonSchema;
}

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (!node || typeof node !== 'object') return;
  const schema = node as JsonSchema;
  if (schema.type === 'object' && schema.properties && !('additionalProperties' in schema))
    schema.additionalProperties = false;
  for (const value of Object.values(schema)) closeObjects(value);
}

/** `/api/creators/:id` → `/api/creators/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function parameters(api: ApiRoute, path: string): JsonSchema[] {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const declared = api.params?.shape as Record<string, z.ZodType> | undefined;
  const params = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: declared?.[name]
      ? jsonSchema(declared[name])
      : /(^id|Id)$/.test(name)
        ? { type: 'string', format: 'uuid' }
        : { type: 'string' },
  }));
  const query = api.query ? (jsonSchema(api.query) as { properties?: JsonSchema; required?: string[] }) : {};
  const queryParams = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }));
  return [...params, ...queryParams];
}

const SECURITY: Record<ApiAuth, JsonSchema[]> = {
  bearer: [{ bearer: [] }],
  refresh: [{ refreshCookie: [], csrfHeader: [] }, {}],
  none: [{}],
  signature: [{}],
};

function operation(api: ApiRoute, method: string, path: string): JsonSchema {
  const responses: Record<string, unknown> = {};
  for (const [status, reply] of Object.entries(api.responses)) {
    responses[status] =
      'schema' in reply
        ? {
            description: reply.description,
            content: { 'application/json': { schema: jsonSchema(reply.schema, true) } },
          }
        : {
            description: reply.description,
            ...(reply.contentType ? { content: { [reply.contentType]: {} } } : {}),
            ...(reply.headers
              ? {
                  headers: Object.fromEntries(
                    Object.entries(reply.headers).map(([name, description]) => [
                      name,
                      { description, schema: { type: 'string' } },
                    ]),
                  ),
                }
              : {}),
          };
  }
  for (const status of impliedErrors(api))
    responses[status] = { $ref: `#/components/responses/${ERRORS[status]!.name}` };
  responses.default = { $ref: '#/components/responses/Error' };

  const body = api.body
    ? isZod(api.body)
      ? { required: true, content: { 'application/json': { schema: jsonSchema(api.body) } } }
      : {
          required: true,
          description: api.body.description,
          content: { [api.body.contentType]: api.body.schema ? { schema: api.body.schema } : {} },
        }
    : undefined;
  return {
    operationId: `${method}${path.replace(/[/:{}-](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    summary: api.summary,
    description: [api.description, `Who: ${whoMay(api)}.`].filter(Boolean).join('\n\n'),
    tags: [tagOf(path)],
    security: SECURITY[api.auth],
    parameters: parameters(api, path),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** The roles the rule list lets take the route's action, read from `can()` so it cannot drift. */
function whoMay(api: ApiRoute): string {
  if (!api.action) return api.access ?? 'any signed-in user';
  const action = api.action;
  const resource = { creatorId: 'a-creator' };
  const inScope = ROLES.filter((role) => can({ id: 'u', role, creatorIds: ['a-creator'] }, action, resource));
  const anywhere = inScope.filter((role) => can({ id: 'u', role, creatorIds: [] }, action, resource));
  const scoped = inScope.filter((role) => !anywhere.includes(role));
  const said = [
    anywhere.join(', '),
    scoped.length > 0 ? `${scoped.join(', ')} for their creators` : '',
  ].filter(Boolean);
  return `${said.join('; ')} (rule \`${action}\`)`;
}

/** `/api/creators/:id/packs` → `creators`; webhooks and health keep their own names. */
function tagOf(path: string): string {
  const [first, second] = path.split('/').filter(Boolean);
  return first === 'api' ? (second ?? 'api') : (first ?? 'root');
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, JsonSchema>>;
  components: Record<string, Record<string, unknown>>;
}

const AUTH_MODEL = `Sign in with \`POST /api/auth/login\`: the answer carries a short-lived \`accessToken\`
(send it as \`Authorization: Bearer <token>\` on every other \`/api\` route and in the Socket.IO
handshake) and sets two cookies: \`velvet_refresh\` (httpOnly, path \`/api/auth\`) and \`velvet_csrf\`
(readable by the page). \`POST /api/auth/refresh\` and \`/api/auth/logout\` read the refresh cookie and
need the \`velvet_csrf\` value echoed in the \`x-csrf-token\` header. What a user may do is answered by
\`GET /api/me\` (\`abilities\`); a route outside the caller's role or creator scope answers 403 (404
for a record outside the scope). Errors are \`{"error":{"code","message"}}\`; a body that breaks a
schema answers 422 with \`error.details.fields: [{path, message}]\`.`;

/** The whole document for a list of routes. */
export function buildOpenApiDocument(routes: readonly ApiRoute[], version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const api of routes) {
    const [method, path] = api.route.split(' ') as [string, string];
    const key = openApiPath(path);
    const at = (paths[key] ??= {});
    const verb = method.toLowerCase();
    if (at[verb]) throw new Error(`The API document lists ${api.route} twice`);
    at[verb] = operation(api, verb, path);
  }
  const responses: Record<string, unknown> = {
    Error: {
      description: 'Any other error, in the same shape',
      content: { 'application/json': { schema: jsonSchema(errorBody) } },
    },
  };
  for (const error of Object.values(ERRORS))
    responses[error.name] = {
      description: error.description,
      content: { 'application/json': { schema: jsonSchema(error.schema) } },
    };
  return {
    openapi: '3.1.0',
    info: { title: 'Velvet hub API', version, description: AUTH_MODEL },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: 'velvet_refresh' },
        csrfHeader: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      },
      responses,
    },
  };
}
