import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/integration/backoff.js';

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 30 s by default', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => backoffDelay(attempt))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('follows its options', () => {
    expect(backoffDelay(3, { initialDelayMs: 10, maxDelayMs: 25, factor: 3 })).toBe(25);
    expect(backoffDelay(2, { initialDelayMs: 10, maxDelayMs: 100, factor: 3 })).toBe(30);
  });
});
