import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstAtOrAfter } from '../../src/storage/first-at-or-after.js';

describe('firstAtOrAfter', () => {
  it('finds the first value at or after the one asked, as a scan would', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (values, value) => {
        const sorted = Float64Array.from(values.sort((a, b) => a - b));
        const scanned = sorted.findIndex((x) => x >= value);
        expect(firstAtOrAfter(sorted, value)).toBe(scanned === -1 ? sorted.length : scanned);
      }),
    );
  });

  it('answers the length for an empty array', () => {
    expect(firstAtOrAfter([], 3)).toBe(0);
  });
});
