import { describe, expect, it } from 'vitest';
import type { AccuracyEstimate } from '../../src/metrics/estimated-accuracy.js';
import { EstimateCache } from '../../src/tracker/estimate-cache.js';

const T0 = new Date('2024-05-01T00:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

function counting(): { compute: () => Promise<AccuracyEstimate>; calls: () => number } {
  let calls = 0;
  return {
    compute: async () => {
      calls += 1;
      return { estimated_accuracy: calls / 10, labeled: calls, predictions: calls };
    },
    calls: () => calls,
  };
}

describe('EstimateCache', () => {
  it('answers from the cache until the model version changes or the entry is maxAgeMs old', async () => {
    const cache = new EstimateCache({ maxAgeMs: 60_000 });
    const source = counting();
    const first = await cache.get('m', '1.0', '7d', T0, source.compute);
    expect(await cache.get('m', '1.0', '7d', later(59_999), source.compute)).toBe(first);
    expect(source.calls()).toBe(1);
    await cache.get('m', '1.0', '7d', later(60_000), source.compute);
    expect(source.calls()).toBe(2);
    cache.changed('m', '1.0');
    await cache.get('m', '1.0', '7d', later(60_001), source.compute);
    expect(source.calls()).toBe(3);
  });

  it('keeps model versions and windows apart, and a change of one leaves the others cached', async () => {
    const cache = new EstimateCache({ maxAgeMs: 60_000 });
    const source = counting();
    await cache.get('m', '1.0', '7d', T0, source.compute);
    await cache.get('m', '2.0', '7d', T0, source.compute);
    await cache.get('m', '1.0', 'all', T0, source.compute);
    expect(source.calls()).toBe(3);
    cache.changed('m', '2.0');
    await cache.get('m', '1.0', '7d', T0, source.compute);
    await cache.get('m', '1.0', 'all', T0, source.compute);
    expect(source.calls()).toBe(3);
    await cache.get('m', '2.0', '7d', T0, source.compute);
    expect(source.calls()).toBe(4);
  });

  it('is emptied by clear(), recomputes when the clock goes back, and holds at most maxEntries', async () => {
    const cache = new EstimateCache({ maxAgeMs: 60_000, maxEntries: 2 });
    const source = counting();
    await cache.get('m', '1.0', 'a', T0, source.compute);
    cache.clear();
    await cache.get('m', '1.0', 'a', T0, source.compute);
    await cache.get('m', '1.0', 'a', later(-1), source.compute);
    expect(source.calls()).toBe(3);
    await cache.get('m', '1.0', 'b', T0, source.compute);
    await cache.get('m', '1.0', 'c', T0, source.compute);
    // 'a' was the oldest: gone.
    await cache.get('m', '1.0', 'a', T0, source.compute);
    expect(source.calls()).toBe(6);
  });
});
