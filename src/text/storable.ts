/**
 * PostgreSQL cannot store U+0000 or an unpaired UTF-16 surrogate in text or
 * JSON columns. Requests carrying them are refused with a 400 naming the field;
 * LINE's own webhook bodies, which must not be refused, are cleaned instead.
 */

// NUL is exactly the control character this looks for.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;

  return path === '' ? key : `${path}.${key}`;
}

/** The path of the first string (or object key) that cannot be stored, if any. */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(body)' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, childPath(path, index));
      if (found !== undefined) return found;
    }

    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (UNSTORABLE.test(key)) return childPath(path, key.replace(UNSTORABLE_ALL, '?'));
    const found = findUnstorableText(item, childPath(path, key));
    if (found !== undefined) return found;
  }

  return undefined;
}

/** A copy with NUL characters removed and unpaired surrogates replaced by U+FFFD. */
export function toStorable<T>(value: T): T {
  const clean = (text: string) =>
    text.replace(UNSTORABLE_ALL, (match) => (match === '\u0000' ? '' : '\uFFFD'));
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => toStorable(item)) as T;
  if (typeof value !== 'object' || value === null) return value;

  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [clean(key), toStorable(item)]),
  ) as T;
}
