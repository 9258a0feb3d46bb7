// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must go.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The one normalisation of everything a person or a platform types, at the edge: PostgreSQL
 * text and jsonb hold neither U+0000 nor a lone surrogate, both of which valid JSON can
 * carry; they become U+FFFD, so the text is stored instead of failing with a 5xx forever.
 * Walks arrays and plain objects (keys too); dates and other values pass through. Copies
 * only what changes: a webhook's whole update is walked on every delivery, and almost
 * never holds either.
 */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd') as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const clean = storableText(item);
      if (!Object.is(clean, item)) (copy ??= [...(value as unknown[])])[i] = clean;
    });
    return (copy ?? value) as T;
  }
  const proto: unknown = value && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  // Plain objects, and the prototype-less ones query strings parse into.
  if (value && (proto === Object.prototype || proto === null)) {
    const entries = Object.entries(value);
    let copy: [string, unknown][] | undefined;
    entries.forEach(([key, item], i) => {
      const cleanKey = storableText(key);
      const clean = storableText(item);
      if (cleanKey !== key || !Object.is(clean, item)) (copy ??= [...entries])[i] = [cleanKey, clean];
    });
    return (copy ? Object.fromEntries(copy) : value) as T;
  }
  return value;
}
