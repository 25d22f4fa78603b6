import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyedDebounce } from '../../src/sensors/keyed-debounce.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('KeyedDebounce', () => {
  it('runs once per key after the burst goes quiet, and at most maxWaitMs after its first trigger', () => {
    const debounce = new KeyedDebounce(100, 250);
    const runs: string[] = [];
    debounce.trigger('a', () => runs.push('a'));
    debounce.trigger('b', () => runs.push('b'));
    vi.advanceTimersByTime(90);
    debounce.trigger('a', () => runs.push('a'));
    vi.advanceTimersByTime(20);
    expect(runs).toEqual(['b']);
    // 'a' keeps being triggered: it still runs at 250 ms after its first trigger.
    for (let t = 0; t < 5; t += 1) {
      vi.advanceTimersByTime(50);
      debounce.trigger('a', () => runs.push('a'));
    }
    expect(runs).toEqual(['b', 'a']);
    vi.advanceTimersByTime(100);
    expect(runs).toEqual(['b', 'a', 'a']);
  });

  it('drops every pending run on cancel()', () => {
    const debounce = new KeyedDebounce(100, 250);
    const runs: string[] = [];
    debounce.trigger('a', () => runs.push('a'));
    debounce.cancel();
    vi.advanceTimersByTime(1000);
    expect(runs).toEqual([]);
  });
});
