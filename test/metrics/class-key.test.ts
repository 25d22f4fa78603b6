import { describe, expect, it } from 'vitest';
import { classKey, classValue, compareClassKeys } from '../../src/metrics/class-key.js';

describe('classKey', () => {
  it('is the JSON text of primitives', () => {
    expect(classKey(1)).toBe('1');
    expect(classKey(1.5)).toBe('1.5');
    expect(classKey(-0)).toBe('0');
    expect(classKey('alice')).toBe('"alice"');
    expect(classKey(true)).toBe('true');
    expect(classKey(null)).toBe('null');
  });

  it('sorts object keys recursively, whatever order they were written in', () => {
    expect(classKey({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(classKey({ a: 2, b: 1 })).toBe(classKey({ b: 1, a: 2 }));
    expect(classKey({ z: [{ y: 1, x: { d: null, c: 'c' } }], a: {} })).toBe(
      '{"a":{},"z":[{"x":{"c":"c","d":null},"y":1}]}',
    );
  });

  it('sorts integer-like keys as text, unlike JSON.stringify', () => {
    // JSON.stringify would put "2" and "10" first, in numeric order.
    expect(classKey({ b: 0, 10: 1, 2: 2 })).toBe('{"10":1,"2":2,"b":0}');
  });

  it('keeps array order and follows JSON.stringify for undefined and non-finite values', () => {
    expect(classKey([3, 1, 2])).toBe('[3,1,2]');
    expect(classKey({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(classKey([undefined, Number.NaN])).toBe('[null,null]');
    expect(classKey(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it('rejects values with no JSON text', () => {
    expect(() => classKey(undefined)).toThrow(TypeError);
    expect(() => classKey(() => 1)).toThrow(TypeError);
  });

  it('round-trips through classValue', () => {
    for (const value of [true, 0, -2.5, 'x', null, [1, 'a'], { a: { b: [false] } }]) {
      expect(classValue(classKey(value))).toEqual(value);
    }
  });
});

describe('compareClassKeys', () => {
  const sorted = (values: unknown[]): unknown[] => values.map(classKey).sort(compareClassKeys).map(classValue);

  it('puts booleans first (false < true), then numbers ascending, then strings, then the rest by key text', () => {
    expect(sorted(['b', { a: 1 }, 10, true, null, -1, 'A', false, 2.5, [0], ''])).toEqual([
      false,
      true,
      -1,
      2.5,
      10,
      '',
      'A',
      'b',
      [0],
      null,
      { a: 1 },
    ]);
  });

  it('orders numbers numerically, not as text', () => {
    expect(sorted([10, 9, -100, 0, 1e21, 0.5])).toEqual([-100, 0, 0.5, 9, 10, 1e21]);
  });

  it('orders strings by UTF-16 code units', () => {
    expect(sorted(['é', 'z', 'Z', '10', '9', '😀', 'a'])).toEqual(['10', '9', 'Z', 'a', 'z', 'é', '😀']);
  });

  it('orders the other values by key text', () => {
    expect(sorted([{ b: 1 }, [1], null, { a: 2 }])).toEqual([[1], null, { a: 2 }, { b: 1 }]);
  });

  it('is 0 only for equal keys and antisymmetric', () => {
    const keys = [false, true, 0, 1, 'a', 'b', null, [1], { a: 1 }].map(classKey);
    for (const a of keys) {
      for (const b of keys) {
        expect(Math.sign(compareClassKeys(a, b))).toBe(-Math.sign(compareClassKeys(b, a)) || 0);
        expect(compareClassKeys(a, b) === 0).toBe(a === b);
      }
    }
  });
});
