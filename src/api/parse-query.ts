import { HttpError } from './http-error.js';

/**
 * Parses a raw query string into a plain object of strings (the tracker's schemas coerce and
 * validate it). An empty value counts as absent. A key given twice (with values) is refused:
 * there is no list-valued parameter.
 */
export function parseQuery(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (rawQuery === '') return query;
  const repeated = new Set<string>();
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    // An empty parameter (`?cursor=&version=`, as forms and scripts send) is absent.
    if (value === '') continue;
    if (Object.hasOwn(query, key)) repeated.add(key);
    // defineProperty: a key such as `__proto__` becomes an own property, never a prototype.
    Object.defineProperty(query, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (repeated.size > 0) {
    const keys = [...repeated];
    throw new HttpError(
      400,
      `query parameter ${keys.join(', ')} is given more than once; give each parameter once`,
      keys.map((key) => ({ path: key, message: 'given more than once' })),
    );
  }
  return query;
}

/** Splits a request target into its raw path and raw query. */
export function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const mark = target.indexOf('?');
  return mark === -1 ? { rawPath: target, rawQuery: '' } : { rawPath: target.slice(0, mark), rawQuery: target.slice(mark + 1) };
}
