// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must go.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The one normalisation of everything a person or a platform types, at the edge: PostgreSQL
 * text and jsonb hold neither U+0000 nor a lone surrogate, both of which valid JSON can
 * carry; they become U+FFFD, so the text is stored instead of failing with a 5xx forever.
 * Walks arrays and plain objects (keys too); dates and other values pass through.
 */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd') as T;
  if (Array.isArray(value)) return value.map(storableText) as T;
  const proto: unknown = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  // Plain objects, and the prototype-less ones query strings parse into.
  if (value && (proto === Object.prototype || proto === null)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableText(v)])) as T;
  }
  return value;
}
