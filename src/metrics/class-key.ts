/**
 * Class labels are arbitrary JSON values (`true`, `3`, `"cat"`, `{"room": "hall"}`). Metrics group
 * predictions by label, so each label gets one canonical text, its {@link ClassKey}: the JSON text
 * with object keys sorted, so `{b: 1, a: 2}` and `{a: 2, b: 1}` are the same class.
 */

/** Canonical JSON text of a class label (see {@link classKey}). */
export type ClassKey = string;

/**
 * Canonical text of a class label: `JSON.stringify` with object keys sorted recursively
 * (code-unit order). `1` -> `1`, `"alice"` -> `"alice"`, `true` -> `true`,
 * `{b: 1, a: 2}` -> `{"a":2,"b":1}`. Nested values follow `JSON.stringify`'s rules
 * (`undefined` members are dropped, non-finite numbers become `null`).
 *
 * @throws TypeError when the value has no JSON text at all (`undefined`, a function, a symbol).
 */
export function classKey(value: unknown): ClassKey {
  const text = canonicalJson(value);
  if (text === undefined) {
    throw new TypeError(`A class label must be a JSON value, got ${typeof value}`);
  }
  return text;
}

/** The label a key stands for: the inverse of {@link classKey}. */
export function classValue(key: ClassKey): unknown {
  return JSON.parse(key);
}

/**
 * Deterministic label order, like scikit-learn's sorted unique labels: booleans (false before
 * true), then numbers ascending, then strings (UTF-16 code-unit order), then anything else
 * (null, arrays, objects) by key text.
 */
export function compareClassKeys(a: ClassKey, b: ClassKey): number {
  if (a === b) return 0;
  const x = classValue(a);
  const y = classValue(b);
  const byKind = kindRank(x) - kindRank(y);
  if (byKind !== 0) return byKind;
  if (typeof x === 'boolean' && typeof y === 'boolean' && x !== y) return x ? 1 : -1;
  if (typeof x === 'number' && typeof y === 'number' && x !== y) return x < y ? -1 : 1;
  if (typeof x === 'string' && typeof y === 'string' && x !== y) return compareCodeUnits(x, y);
  // Equal values spelled differently (e.g. "1" and "1.0") still get a total order.
  return compareCodeUnits(a, b);
}

function kindRank(value: unknown): number {
  switch (typeof value) {
    case 'boolean':
      return 0;
    case 'number':
      return 1;
    case 'string':
      return 2;
    default:
      return 3;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `JSON.stringify` with sorted object keys; `undefined` where `JSON.stringify` gives `undefined`. */
function canonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (hasToJson(value)) return canonicalJson(value.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalJson(item) ?? 'null').join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const text = canonicalJson(record[name]);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

function hasToJson(value: object): value is { toJSON: () => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
