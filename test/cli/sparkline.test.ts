import { describe, expect, it } from 'vitest';
import { sparkline, sparkStats } from '../../src/cli/sparkline.js';

describe('sparkline', () => {
  it('maps the smallest value to ▁ and the largest to █, linearly', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0.5, 1, 0.75])).toBe('▁█▅');
  });

  it('leaves a gap for a missing value and draws equal values as the middle block', () => {
    expect(sparkline([0.9, null, 0.1])).toBe('█ ▁');
    expect(sparkline([0.3, 0.3, null])).toBe('▄▄ ');
    expect(sparkline([null, null])).toBe('  ');
    expect(sparkline([])).toBe('');
  });

  it('reports min, max and the last present value', () => {
    expect(sparkStats([0.2, null, 0.9, 0.4, null])).toEqual({ min: 0.2, max: 0.9, last: 0.4 });
    expect(sparkStats([null])).toEqual({ min: null, max: null, last: null });
  });
});
