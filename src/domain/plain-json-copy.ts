/** What `plainJsonObjectCopy` answers when it cannot vouch for a value: zod's own walk decides. */
export const NOT_PLAIN = Symbol('not plain JSON');

/** Deeper than this (or a reference cycle), the copy gives up and zod's walk decides. */
const MAX_DEPTH = 64;

type JsonCopy = string | number | boolean | null | JsonCopy[] | { [key: string]: JsonCopy };

/**
 * A copy of `value` when it is a plain JSON object that `z.record(z.string(), z.json())` accepts
 * and would copy to the same value; otherwise NOT_PLAIN. It only says yes where zod says yes:
 * plain objects (prototype Object.prototype or null, no own `constructor`), string keys other
 * than `__proto__`, no symbol keys, arrays without holes, finite numbers. Anything else (and any
 * error while reading, e.g. a throwing getter) is left to zod, so messages and paths stay zod's.
 */
export function plainJsonObjectCopy(value: unknown): { [key: string]: JsonCopy } | typeof NOT_PLAIN {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOT_PLAIN;
  try {
    return copyObject(value, 0);
  } catch {
    // Reading the value threw (a getter, a proxy): zod reads it again and reports what it finds.
    return NOT_PLAIN;
  }
}

function copyObject(value: object, depth: number): { [key: string]: JsonCopy } | typeof NOT_PLAIN {
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(value, 'constructor')) return NOT_PLAIN;
  if (Object.getOwnPropertySymbols(value).length > 0) return NOT_PLAIN;
  const source = value as Record<string, unknown>;
  const copy: { [key: string]: JsonCopy } = {};
  // Object.keys: own enumerable string keys, in the order zod's Reflect.ownKeys walk keeps them.
  for (const key of Object.keys(source)) {
    if (key === '__proto__') return NOT_PLAIN;
    const item = copyValue(source[key], depth);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = item;
  }
  return copy;
}

function copyValue(value: unknown, depth: number): JsonCopy | typeof NOT_PLAIN {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) return NOT_PLAIN;
      if (!Array.isArray(value)) return copyObject(value, depth + 1);
      const items = value as unknown[];
      const copy: JsonCopy[] = new Array<JsonCopy>(items.length);
      for (let index = 0; index < items.length; index += 1) {
        const item = copyValue(items[index], depth + 1);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        copy[index] = item;
      }
      return copy;
    }
    default:
      return NOT_PLAIN;
  }
}
