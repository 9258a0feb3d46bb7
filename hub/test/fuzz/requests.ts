import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { signPaymentWebhook } from '@velvet/shared';
import {
  contentEncoding,
  contentType,
  deepJson,
  headerValue,
  mutated,
  nastyString,
  wellFormed,
  wildSegment,
  wildValue,
} from './arbitraries';
import { mismatch } from '../openapi-check';
import { webhookExamples, type RouteSpec } from './routes';
import { PAYMENT_SECRET, type ActorName, type IdKind, type World } from './world';

export interface FuzzRequest {
  actor: ActorName;
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** What a failing run prints: enough to replay the request by hand. */
export function describeRequest(r: FuzzRequest): string {
  const body =
    r.body === undefined
      ? ''
      : ` body=${JSON.stringify(String(r.body).slice(0, 300))} (${r.body.length} bytes)`;
  const headers = Object.entries(r.headers)
    .filter(([k]) => !['authorization', 'cookie'].includes(k))
    .map(([k, v]) => `${k}: ${v.slice(0, 60)}`)
    .join(', ');
  return `${r.actor} ${r.method} ${r.url.slice(0, 300)} [${headers}]${body}`;
}

/** Which kind of record an id names, by the path segment before it. */
export const KIND_BY_SEGMENT: Record<string, IdKind> = {
  creators: 'creator',
  accounts: 'account',
  conversations: 'conversation',
  messages: 'message',
  fans: 'fan',
  packs: 'pack',
  'promo-codes': 'promo',
  offers: 'offer',
  'follow-ups': 'followUp',
  drafts: 'draft',
  telegram: 'account',
  media: 'media',
  posts: 'post',
  'saved-replies': 'savedReply',
  experiments: 'experiment',
};

/** An id of a real record of the right kind most often, else a random UUID or no UUID at all. */
function idSegment(w: World, kind: IdKind | undefined): fc.Arbitrary<string> {
  const real = kind && w.ids[kind].length > 0 ? w.ids[kind] : undefined;
  const others = Object.values(w.ids).flat();
  return fc.oneof(
    { weight: real ? 12 : 0, arbitrary: fc.constantFrom(...(real ?? ['-'])) },
    { weight: 1, arbitrary: fc.constantFrom(...others) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: wildSegment },
  );
}

function paramSegment(w: World, segments: string[], index: number): fc.Arbitrary<string> {
  const name = segments[index]!.slice(1);
  if (name === 'index') return fc.oneof(fc.constantFrom('0', '1', '2', '999', '00', '1000'), wildSegment);
  if (name === 'platform')
    return fc.oneof(fc.constantFrom('telegram', 'sandbox', 'discord', 'fanvue'), wildSegment);
  if (name === 'provider')
    return fc.oneof({ weight: 4, arbitrary: fc.constant('checkout') }, fc.constant('stripe'), wildSegment);
  if (name === 'accountId') return idSegment(w, 'account');
  if (name === 'name')
    return fc.oneof(
      fc.constantFrom('velvet-2026-01-31T02-00-00-000Z.tar.gz', '..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd'),
      wildSegment,
    );
  if (segments[index - 1] === 'notifications')
    return fc.oneof(fc.constantFrom('1', '2', '0', '-1', '9007199254740993'), wildSegment);
  // Never another real user: disabling an actor would end the sessions the fuzzer plays with.
  if (segments[index - 1] === 'users') {
    return fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...w.ids.managedUser) }, fc.uuid(), wildSegment);
  }
  return idSegment(w, KIND_BY_SEGMENT[segments[index - 1] ?? '']);
}

/** A query from an example with mutated values; arrays repeat the key, objects nest brackets. */
function queryString(w: World, spec: RouteSpec): fc.Arbitrary<string> {
  const example = spec.query?.(w) ?? {};
  const raw = fc.constantFrom(
    '?%',
    '?limit=%E0%A4%A',
    '?limit=1&limit=2',
    '?q=%00',
    '?cursor[a]=1',
    '?__proto__=1',
    '?constructor[prototype][x]=1',
    `?q=${'%F0%9F%92%8B'.repeat(300)}`,
  );
  const built = fc
    .oneof({ weight: 6, arbitrary: mutated(example) }, { weight: 1, arbitrary: fc.constant(undefined) })
    .map((query) => {
      if (query === undefined) return '';
      const params = new URLSearchParams();
      const add = (key: string, value: unknown) => {
        if (Array.isArray(value)) for (const v of value) add(key, v);
        else if (value && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
        else params.append(wellFormed(key), wellFormed(String(value)));
      };
      if (query && typeof query === 'object' && !Array.isArray(query))
        for (const [k, v] of Object.entries(query)) add(k, v);
      else add('q', query);
      const text = params.toString();
      return text ? `?${text}` : '';
    });
  return fc.oneof({ weight: 8, arbitrary: built }, { weight: 1, arbitrary: raw });
}

/** Raw text that is not the JSON it claims to be, or JSON no client should send. */
const oddJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'nul',
    '[1,]',
    '{"a":1}}',
    '"\\ud800"',
    '\u0000',
    '{"__proto__":{"x":1}}',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(4_000, 20_000).chain((depth) => fc.boolean().map((array) => deepJson(depth, array))),
  fc.constant(`{"text":"${'x'.repeat(300_000)}"}`),
  wildValue.map((v) => JSON.stringify(v) ?? 'null'),
);

type BodyHeaders = { body?: string | Buffer; headers: Record<string, string> };

function jsonBody(example: Record<string, unknown>): fc.Arbitrary<BodyHeaders> {
  return fc
    .record({
      text: fc.oneof(
        { weight: 8, arbitrary: mutated(example).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 2, arbitrary: oddJson },
      ),
      type: contentType,
      encoding: contentEncoding,
      compress: fc.boolean(),
    })
    .map(({ text, type, encoding, compress }) => {
      const headers: Record<string, string> = {};
      if (type) headers['content-type'] = type;
      if (encoding) headers['content-encoding'] = encoding;
      // Half the gzip bodies really are gzipped, so the decoder also reaches the parser.
      const body = encoding === 'gzip' && compress ? gzipSync(text) : text;
      return { body, headers };
    });
}

function webhookRequest(w: World): fc.Arbitrary<{ segments: string[]; body: BodyHeaders }> {
  const accounts = [...w.webhookAuth.keys()];
  return fc
    .record({
      account: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...accounts) },
        { weight: 1, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: wildSegment },
      ),
      platformChoice: fc.oneof(
        { weight: 9, arbitrary: fc.constant('right') },
        { weight: 1, arbitrary: fc.constantFrom('telegram', 'sandbox', 'discord', 'TELEGRAM', '%00') },
      ),
      example: fc.nat(),
      serial: fc.nat({ max: 1_000_000 }),
      auth: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | undefined>('right') },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: headerValue },
      ),
    })
    .chain(({ account, platformChoice, example, serial, auth }) => {
      const known = w.webhookAuth.get(account);
      const platform = platformChoice === 'right' ? (known?.platform ?? 'telegram') : platformChoice;
      const examples = webhookExamples(w, serial)[known?.platform ?? 'telegram'];
      return jsonBody(examples[example % examples.length]!).map((body) => {
        const header = known?.header ?? 'x-telegram-bot-api-secret-token';
        const value = auth === 'right' ? known?.value : auth;
        return {
          segments: ['webhooks', platform, account],
          body: {
            ...body,
            headers: { ...body.headers, ...(value !== undefined ? { [header]: value } : {}) },
          },
        };
      });
    });
}

function paymentBody(example: Record<string, unknown>): fc.Arbitrary<BodyHeaders> {
  return fc
    .tuple(
      jsonBody(example),
      fc.constantFrom('right', 'right', 'right', 'wrong', 'stale', 'missing', 'garbage'),
      headerValue,
    )
    .map(([{ body, headers }, signature, garbage]) => {
      const raw = String(body ?? '');
      const signed: Record<string, string> = {
        right: signPaymentWebhook(PAYMENT_SECRET, raw, new Date()),
        wrong: signPaymentWebhook('not-the-secret', raw, new Date()),
        stale: signPaymentWebhook(PAYMENT_SECRET, raw, new Date(Date.now() - 3_600_000)),
        garbage,
      };
      const value = signed[signature];
      return {
        body,
        headers: { ...headers, ...(value !== undefined ? { 'x-velvet-signature': value } : {}) },
      };
    });
}

/** multipart/form-data with one small file and its fields, or broken in one of the ways clients break it. */
const multipartBody: fc.Arbitrary<BodyHeaders> = fc
  .record({
    caption: nastyString,
    clientMessageId: fc.oneof(fc.constant('fuzz-client-1'), nastyString),
    fileName: nastyString,
    fileType: fc.constantFrom('image/jpeg', 'application/pdf', 'text/html', '', 'x/../y'),
    bytes: fc.oneof(
      fc.constant(Buffer.from('\xff\xd8\xff\xe0jpeg', 'latin1')),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.constant(Buffer.alloc(0)),
    ),
    damage: fc.constantFrom(
      'none',
      'none',
      'none',
      'no-file',
      'two-files',
      'truncated',
      'no-boundary',
      'bad-boundary',
    ),
  })
  .map(({ caption, clientMessageId, fileName, fileType, bytes, damage }) => {
    const boundary = 'fuzzboundary0123456789';
    const part = (headers: string, content: Buffer | string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      ]);
    const quoted = wellFormed(fileName).replace(/["\r\n]/g, '_');
    const file = part(
      `Content-Disposition: form-data; name="file"; filename="${quoted}"\r\nContent-Type: ${fileType}`,
      bytes,
    );
    const parts = [
      part('Content-Disposition: form-data; name="caption"', caption),
      part('Content-Disposition: form-data; name="clientMessageId"', clientMessageId),
      ...(damage === 'no-file' ? [] : [file]),
      ...(damage === 'two-files' ? [file] : []),
      Buffer.from(`--${boundary}--\r\n`),
    ];
    let body = Buffer.concat(parts);
    if (damage === 'truncated') body = body.subarray(0, Math.floor(body.length / 2));
    const type =
      damage === 'no-boundary'
        ? 'multipart/form-data'
        : damage === 'bad-boundary'
          ? 'multipart/form-data; boundary=other'
          : `multipart/form-data; boundary=${boundary}`;
    return { body, headers: { 'content-type': type } };
  });

/** How the actor presents itself: as it is mostly, else without CSRF, with a wrong one, or a bad bearer. */
const authMode = fc.oneof(
  { weight: 16, arbitrary: fc.constant<{ mode: string; value?: string }>({ mode: 'as-is' }) },
  { weight: 1, arbitrary: fc.constant({ mode: 'no-csrf' }) },
  { weight: 1, arbitrary: headerValue.map((value) => ({ mode: 'wrong-csrf', value })) },
  { weight: 1, arbitrary: headerValue.map((value) => ({ mode: 'bad-bearer', value: `Bearer ${value}` })) },
);

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .subarray(['x-request-id', 'user-agent', 'x-forwarded-for', 'accept', 'origin'])
  .chain((names) =>
    fc
      .tuple(...names.map(() => headerValue))
      .map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]!]))),
  );

/** Generated requests for one route (`METHOD /path` of the table) by any of the three actors. */
export function requestsFor(w: World, route: string, spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const [method, template] = route.split(' ') as [string, string];
  const segments = template.split('/').slice(1);
  const path =
    spec.body === 'webhook'
      ? webhookRequest(w)
      : fc
          .tuple(
            ...segments.map((s, i) => (s.startsWith(':') ? paramSegment(w, segments, i) : fc.constant(s))),
          )
          .chain((filled) => bodyFor(w, method, spec).map((body) => ({ segments: filled, body })));
  return fc
    .record({
      // The admin gets furthest into the routes; the others mostly meet the authorization rules.
      actor: fc.oneof(
        { weight: 3, arbitrary: fc.constant<ActorName>('admin') },
        { weight: 2, arbitrary: fc.constant<ActorName>('chatter') },
        { weight: 1, arbitrary: fc.constant<ActorName>('anonymous') },
      ),
      path,
      query: method === 'GET' ? queryString(w, spec) : fc.constant(''),
      auth: authMode,
      extra: extraHeaders,
    })
    .map(({ actor, path: { segments: filled, body }, query, auth, extra }) => {
      const client = w.actors[actor];
      const headers: Record<string, string> = { ...extra, ...body.headers };
      if (client.token) headers.authorization = `Bearer ${client.token}`;
      const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (cookie) headers.cookie = cookie;
      const csrf = client.csrfHeader()['x-csrf-token'];
      if (csrf && auth.mode !== 'no-csrf') headers['x-csrf-token'] = csrf;
      if (auth.mode === 'wrong-csrf') headers['x-csrf-token'] = auth.value!;
      if (auth.mode === 'bad-bearer') headers.authorization = auth.value!;
      const request: FuzzRequest = {
        actor,
        method,
        url: `/${filled.join('/')}${query}`,
        headers,
        body: body.body,
      };
      // fast-check prints a counterexample this way: short enough to read, enough to replay.
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    });
}

function bodyFor(w: World, method: string, spec: RouteSpec): fc.Arbitrary<BodyHeaders> {
  switch (spec.body) {
    case 'json':
      return fc.constant(null).chain(() => jsonBody(spec.example?.(w) ?? {}));
    case 'payment':
      return fc.constant(null).chain(() => paymentBody(spec.example!(w)));
    case 'multipart':
      return multipartBody;
    default:
      // GET carries no body; other methods get one they do not expect, now and then.
      return method === 'GET' || method === 'HEAD'
        ? fc.constant({ headers: {} })
        : fc.oneof(
            { weight: 4, arbitrary: fc.constant<BodyHeaders>({ headers: {} }) },
            { weight: 1, arbitrary: jsonBody({ unexpected: true }) },
          );
  }
}

export interface FuzzResponse {
  status: number;
  text: string;
  /** How the answer breaks the API document, if it does. */
  mismatch?: string;
}

/** Sends as the actor's browser would, keeping the cookies the hub sets on it. */
export async function send(w: World, r: FuzzRequest): Promise<FuzzResponse> {
  const response = await fetch(w.hub.url + r.url, {
    method: r.method,
    headers: r.headers,
    ...(r.body !== undefined ? { body: typeof r.body === 'string' ? r.body : new Uint8Array(r.body) } : {}),
    redirect: 'manual',
  });
  const client = w.actors[r.actor];
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const [name, ...rest] = pair!.split('=');
    const value = rest.join('=');
    if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') client.cookies.delete(name!);
    else client.cookies.set(name!, value);
  }
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  let body: unknown;
  try {
    body = contentType?.startsWith('application/json') && text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return {
    status: response.status,
    text,
    mismatch: mismatch({ method: r.method, url: r.url, status: response.status, contentType, body }),
  };
}
