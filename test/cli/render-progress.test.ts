import { describe, expect, it } from 'vitest';
import { renderProgress } from '../../src/cli/render-progress.js';

describe('renderProgress', () => {
  it('draws a bar and a percentage against the expected count', () => {
    expect(renderProgress(0, 0, 200)).toBe('[........................]   0 %  0 records, 0.0 MB of at most 200');
    expect(renderProgress(100, 1_572_864, 200)).toBe('[############............]  50 %  100 records, 1.5 MB of at most 200');
    expect(renderProgress(12_345, 0, 12_345)).toBe('[########################] 100 %  12,345 records, 0.0 MB of at most 12,345');
  });

  it('caps at 100 % when more come than expected, and shows only counts when nothing is expected', () => {
    expect(renderProgress(300, 0, 200)).toMatch(/^\[#{24}\] 100 %/);
    expect(renderProgress(5, 2048, null)).toBe('5 records, 0.0 MB');
    expect(renderProgress(5, 2048, 0)).toBe('5 records, 0.0 MB');
  });
});
