import { describe, expect, it } from 'vitest';
import { sparkPath } from '../../src/panel/spark-path.js';

describe('sparkPath', () => {
  it('spreads the values over the width and scales [min, max] to [height, 0]', () => {
    expect(sparkPath([0, 0.5, 1], 100, 20)).toBe('M0 20L50 10L100 0');
  });

  it('breaks the line at an empty bucket and draws a lone point as a dot', () => {
    expect(sparkPath([1, 1, null, 0.5, null], 40, 10)).toBe('M0 0L10 0M30 5h0');
    expect(sparkPath([null, null], 40, 10)).toBe('');
    expect(sparkPath([0.25], 40, 10)).toBe('M20 7.5h0');
  });

  it('clamps values outside [min, max]', () => {
    expect(sparkPath([2, -1], 10, 10, 0, 1)).toBe('M0 0L10 10');
  });
});
