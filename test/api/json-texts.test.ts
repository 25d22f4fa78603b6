import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonTexts } from '../../src/api/json-texts.js';

/** JSON.stringify's text, or the error it throws (a BigInt, a cycle). */
function outcome(write: () => string | undefined): { text: string | undefined } | { error: string } {
  try {
    return { text: write() };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

/** Freezes some objects of `value` (each one or not, from `plan`), walking it depth first. */
function freezeSome(value: unknown, plan: boolean[], seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    const property = Object.getOwnPropertyDescriptor(value, key);
    if (property && 'value' in property) freezeSome(property.value, plan, seen);
  }
  if ((plan.shift() ?? false) && !ArrayBuffer.isView(value)) Object.freeze(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('JsonTexts', () => {
  it('writes what JSON.stringify writes, the first time and again, whatever is frozen', () => {
    const values = fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withMap: true, withSet: true });
    fc.assert(
      fc.property(fc.oneof(values, fc.dictionary(fc.string(), values)), fc.array(fc.boolean(), { maxLength: 64 }), (value, plan) => {
        freezeSome(value, plan);
        const texts = new JsonTexts();
        const expected = outcome(() => JSON.stringify(value));
        expect(outcome(() => texts.stringify(value))).toEqual(expected);
        expect(outcome(() => texts.stringify(value))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('reuses a frozen part in a new answer around it, and sees a changed part that is not frozen all the way down', () => {
    const texts = new JsonTexts();
    const figures = deepFreeze({ per_class: [{ label: 'alice', f1: 0.5 }], matrix: { labels: ['alice'], counts: [[1]] } });
    const shallow = Object.freeze({ inner: { count: 1 } });
    for (const now of ['2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z']) {
      const answer = { model_name: 'm', ...figures, last_evaluated: now, shallow, skipped: undefined, when: new Date(now) };
      expect(texts.stringify(answer)).toBe(JSON.stringify(answer));
      shallow.inner.count += 1;
    }
    let reads = 0;
    const getter = Object.freeze({
      get value() {
        reads += 1;
        return reads;
      },
    });
    expect(texts.stringify({ getter })).toBe('{"getter":{"value":1}}');
    expect(texts.stringify({ getter })).toBe('{"getter":{"value":2}}');
    const withToJson = { toJSON: (key: string) => `key ${key}` };
    expect(texts.stringify({ part: withToJson })).toBe(JSON.stringify({ part: withToJson }));
  });
});
