import fc from 'fast-check';
import { hostileString, POISON_KEYS, PATH_LIKE, UNICODE_PIECES } from './hostile-strings.js';

/**
 * Text spliced verbatim into a JSON document: tokens JSON.stringify never writes (`NaN`,
 * `Infinity`, `1e400`, which JSON.parse reads as Infinity), or a nesting too deep to build as an
 * object cheaply.
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** How fast-check prints it in a counterexample: short, even for 300 kB of brackets. */
  [fc.toStringMethod](): string {
    return this.text.length <= 40 ? `RawJson(${this.text})` : `RawJson(${this.text.slice(0, 20)}… ${this.text.length} chars)`;
  }
}

/** Tokens that are not JSON, or that JSON.parse turns into a number no schema should take. */
export const RAW_NUMBER_TOKENS = ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1E+999', 'undefined', '0x10', '+1', '.5', '01', "'x'"] as const;

/** Only the tokens JSON.parse accepts (all of them read as ±Infinity). */
export const RAW_INFINITY_TOKENS = ['1e400', '-1e400', '1E+999', '-9e999'] as const;

export const rawNumberToken: fc.Arbitrary<RawJson> = fc.constantFrom(...RAW_NUMBER_TOKENS).map((token) => new RawJson(token));

/** `[[[ ... ]]]` or `{"a":{"a": ... }}`, `depth` levels deep. */
export function deepJson(depth: number, kind: 'array' | 'object'): RawJson {
  return new RawJson(kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
}

/**
 * Nesting from `minDepth` levels to `maxDepth` (at most 300 kB of text, so three of them in one
 * body stay under the 1 MiB body limit).
 */
export function deepNesting(minDepth: number, maxDepth = 150_000): fc.Arbitrary<RawJson> {
  return fc
    .tuple(fc.integer({ min: minDepth, max: maxDepth }), fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>)
    .map(([depth, kind]) => deepJson(kind === 'object' ? Math.min(depth, 50_000) : depth, kind));
}

const MARK = '\u0000RAW';

/** JSON text of `value`, with every RawJson spliced in verbatim and `__proto__` keys kept as data. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `${MARK}${raws.length - 1}${MARK}`;
    }
    return item;
  });
  if (text === undefined) return 'null';
  return text.replace(/"\\u0000RAW(\d+)\\u0000RAW"/g, (_match, index: string) => raws[Number(index)] ?? 'null');
}

/** A plain object with exactly these own keys, `__proto__` included as an own key (as JSON.parse makes it). */
export function objectFromEntries(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Object keys: ordinary, prototype-poisoning, unicode, path-like. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 3, arbitrary: fc.constantFrom(...POISON_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...UNICODE_PIECES), maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PATH_LIKE) },
);

const extremeNumber = fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, 0.1, 0.30000000000000004);

const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  hostileString({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  extremeNumber,
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value, with hostile keys at every level (depth and width kept small). */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map(objectFromEntries),
})).value;

/** A JSON object with hostile keys at every level. */
export const hostileJsonObject: fc.Arbitrary<Record<string, unknown>> = fc
  .array(fc.tuple(hostileKey, hostileJsonValue), { maxLength: 5 })
  .map(objectFromEntries);

/** Big but legal payload parts: 100 kB strings, 10k-item arrays, objects with thousands of keys. */
export const bulkyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 10_000, max: 100_000 }).map((length) => 'x'.repeat(length)),
  fc.integer({ min: 1_000, max: 10_000 }).map((length) => Array.from({ length }, (_, i) => i)),
  fc.integer({ min: 100, max: 5_000 }).map((count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))),
  fc.integer({ min: 1_000, max: 10_000 }).map((length) => Array.from({ length }, () => objectFromEntries([['__proto__', { polluted: true }]]))),
);

/** Removes own `__proto__` keys at every level (zod drops them from records; it never makes them prototypes). */
export function withoutProtoKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProtoKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    out[key] = withoutProtoKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** What JSON.parse(toJsonText(value)) gives, except that RawJson must not be inside. */
export function jsonRoundTrip(value: unknown): unknown {
  return JSON.parse(toJsonText(value));
}
