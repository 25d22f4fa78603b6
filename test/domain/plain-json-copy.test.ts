import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonObjectSchema } from '../../src/domain/json.js';
import { NOT_PLAIN, plainJsonObjectCopy } from '../../src/domain/plain-json-copy.js';
import { hostileJsonObject, hostileJsonValue, objectFromEntries, toJsonText } from '../hostile/support/hostile-json.js';

/** The copy vouches only for what zod's record of JSON accepts, and then gives zod's answer. */
function expectAgreesWithZod(value: unknown): void {
  const copy = plainJsonObjectCopy(value);
  if (copy === NOT_PLAIN) return;
  const exact = JsonObjectSchema.safeParse(value);
  expect(exact.success).toBe(true);
  expect(copy).toStrictEqual(exact.data);
}

class Point {
  x = 1;
}

const cycle: Record<string, unknown> = { a: 1 };
cycle['self'] = cycle;

const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: [true, null, 'x'] });

const withGetter = { get a() { return 1; } };
const throwingGetter = { get a(): number { throw new Error('no'); } };
const withSymbol = { a: 1, [Symbol('s')]: 2 };
const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false });

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

describe('plainJsonObjectCopy', () => {
  it('copies plain JSON objects, nested and all (no shared references)', () => {
    const input = { a: 1, b: 'x', c: [1, { d: null }], e: { f: false }, '': -0.5, '10': 2, '2': 3 };
    const copy = plainJsonObjectCopy(input);
    expect(copy).toStrictEqual(input);
    expect(copy).not.toBe(input);
    if (copy === NOT_PLAIN) throw new Error('not copied');
    expect(copy['c']).not.toBe(input.c);
    expect(copy['e']).not.toBe(input.e);
    expect(Object.keys(copy)).toEqual(Object.keys(input));
  });

  it.each([
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }],
    ['undefined', { a: undefined }],
    ['a hole', { a: [1, , 3] }],
    ['a function', { a: () => 1 }],
    ['a bigint', { a: 1n }],
    ['a Date', { a: new Date(0) }],
    ['a class instance', { a: new Point() }],
    ['a class instance at the top', new Point()],
    ['an own constructor', { constructor: 'x' }],
    ['an own __proto__', objectFromEntries([['__proto__', { a: 1 }]])],
    ['a symbol key', withSymbol],
    ['a cycle', cycle],
    ['nesting deeper than 64', deep(70)],
    ['a throwing getter', throwingGetter],
    ['an array at the top', [1]],
    ['null', null],
    ['a string', 'x'],
  ])('leaves %s to zod', (_what, value) => {
    expect(plainJsonObjectCopy(value)).toBe(NOT_PLAIN);
  });

  it.each([
    ['a null prototype', nullProto],
    ['a getter', withGetter],
    ['a non-enumerable key', hidden],
    ['nesting of 60', deep(60)],
  ])('agrees with zod on %s', (_what, value) => {
    expect(plainJsonObjectCopy(value)).not.toBe(NOT_PLAIN);
    expectAgreesWithZod(value);
  });

  it('agrees with zod on hostile JSON, as objects and as parsed text', () => {
    fc.assert(
      fc.property(fc.oneof(hostileJsonObject, hostileJsonValue), (value) => {
        expectAgreesWithZod(value);
        expectAgreesWithZod(JSON.parse(toJsonText(value)));
      }),
    );
  });
});
