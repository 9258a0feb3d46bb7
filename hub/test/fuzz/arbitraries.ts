import fc from 'fast-check';

/** Strings storage and parsers have opinions about: NUL, lone surrogates, RTL marks, long runs. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfff',
      '\u202e',
      '💋'.repeat(40),
      "'; drop table messages; --",
      '%',
      '../../etc/passwd',
      '00000000-0000-0000-0000-000000000000',
      'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
      '2026-13-45T99:99:99Z',
      '-100000-01-01T00:00:00.000Z',
      '+275760-09-13T00:00:00.001Z',
      'true',
      'null',
      '1e999',
      '__proto__',
    ),
  },
  { weight: 1, arbitrary: fc.nat({ max: 6000 }).map((n) => 'x'.repeat(n)) },
);

/** Numbers JSON can carry (no NaN): huge, negative, fractional, just past the usual limits. */
export const wildNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -(2 ** 52), max: 2 ** 52 }),
  fc.constantFrom(0, -0, -1, 1.5, 0.001, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 2 ** 63, 1e21, 1e300, -1e300),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;
export const wildKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PROTO_KEYS),
  fc.string({ maxLength: 12 }),
  nastyString,
);

/** An object that may carry `__proto__` as an own key, the way JSON.parse builds one. */
export function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Nested `depth` levels, written by hand: JSON.stringify itself would overflow on deep ones. */
export function deepJson(depth: number, array: boolean): string {
  return array
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Any JSON value, with the nasty strings and numbers above in the leaves. */
export const wildValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    wildNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(wildKey, tie('value')), { maxLength: 4 }).map(ownObject),
  ),
})).value;

type Json = Record<string, unknown> | unknown[];

/** Every (container, key) in a JSON tree, to pick one to mutate. */
function slots(node: Json, out: [Json, string | number][] = []): [Json, string | number][] {
  for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
    out.push([node, key]);
    const child = (node as Record<string | number, unknown>)[key];
    if (child && typeof child === 'object') slots(child as Json, out);
  }
  return out;
}

type Mutation = { pick: number; action: 'set' | 'delete' | 'add'; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  action: fc.constantFrom('set', 'set', 'set', 'delete', 'add'),
  key: wildKey,
  value: wildValue,
});

/**
 * A valid example with one to three fields replaced by any JSON (wrong types, nasty text,
 * out-of-range numbers), removed, or joined by an unknown or prototype-polluting key; and
 * sometimes the example as is, so the fuzzer also reaches past validation.
 */
export function mutated(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(example) },
    {
      weight: 6,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
        const copy = JSON.parse(JSON.stringify(example)) as Record<string, unknown>;
        for (const m of mutations) {
          const all = slots(copy);
          const [parent, key] = all.length > 0 ? all[m.pick % all.length]! : [copy, ''];
          if (m.action === 'add' || all.length === 0) {
            const target = Array.isArray(parent) ? copy : parent;
            Object.defineProperty(target, m.key, {
              value: m.value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else if (m.action === 'delete') {
            if (Array.isArray(parent)) parent.splice(Number(key), 1);
            else delete parent[key as string];
          } else (parent as Record<string | number, unknown>)[key] = m.value;
        }
        return copy;
      }),
    },
    { weight: 1, arbitrary: wildValue },
  );
}

/** Lone surrogates as U+FFFD: encodeURIComponent refuses them, and no URL carries them. */
export const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

/** A path segment that may not be a UUID, or not even decodable. */
export const wildSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%', '%C0%AF', '%00', '%FF', '..', '%2e%2e', '%2F', '%20', 'null', '0', '-1', '1e9'),
  fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }).map((id) => id.toUpperCase()),
  fc.uuid().map((id) => `${id}x`),
  nastyString.map((s) => encodeURIComponent(wellFormed(s)).slice(0, 1000)),
);

/** Header values fetch can send: visible ASCII and tabs (control characters never reach a server). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '').trim()),
  fc.constantFrom('', 'x'.repeat(8000), 'Bearer', 'Bearer ', 'Basic YTpi', 'null', 'undefined'),
);

/** Content types a client may claim, right or wrong. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      'application/*+json',
      ';;;',
    ),
  },
);

export const contentEncoding: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 20, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'zstd', 'x') },
);
