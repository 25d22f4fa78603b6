import { describe, expect, it } from 'vitest';
import { decimal, psiWord, pText, reliabilityBars, sliceKeys } from '../../src/panel/monitoring-figures.js';

describe('the monitoring card figures', () => {
  it('offers the context keys most used first, then model_version', () => {
    const predictions: Array<{ context: Record<string, string> }> = [{ context: { device: 'a', room: 'x' } }, { context: { room: 'y' } }, { context: {} }, { context: { room: 'z', area: 'q' } }];
    expect(sliceKeys(predictions)).toEqual(['context.room', 'context.area', 'context.device', 'model_version']);
    expect(sliceKeys([])).toEqual(['model_version']);
  });

  it('draws only the bins that hold predictions', () => {
    const bins = [
      { lower: 0, upper: 0.5, count: 0, mean_confidence: null, accuracy: null },
      { lower: 0.5, upper: 1, count: 4, mean_confidence: 0.8, accuracy: 0.75 },
    ];
    expect(reliabilityBars(bins)).toEqual([{ x: 0.5, width: 0.5, height: 0.75, dot: 0.8, count: 4 }]);
  });

  it('words p-values, decimals and PSI as the README does', () => {
    expect(pText(0.0004)).toBe('p < 0.001');
    expect(pText(0.0431)).toBe('p = 0.043');
    expect(pText(null)).toBe('—');
    expect(decimal(0.12345)).toBe('0.123');
    expect(decimal(undefined)).toBe('—');
    expect([psiWord(0.05), psiWord(0.1), psiWord(0.25), psiWord(0.3), psiWord(null)]).toEqual(['no real change', 'moderate shift', 'moderate shift', 'large shift', '']);
  });
});
