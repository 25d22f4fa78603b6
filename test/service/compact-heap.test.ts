import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compactHeap } from '../../src/service/compact-heap.js';

describe('compactHeap', () => {
  it('collects garbage nothing refers to any more, and says how long it took', async () => {
    let garbage: number[][] | null = Array.from({ length: 400 }, (_, i) => Array.from({ length: 10_000 }, (_, j) => i + j + 0.5));
    const held = getHeapStatistics().used_heap_size;
    expect(garbage.length).toBe(400);
    garbage = null;
    const ms = await compactHeap();
    expect(ms).not.toBeNull();
    expect(ms!).toBeGreaterThanOrEqual(0);
    // ~32 MB of doubles were held: a full collection returns them.
    expect(held - getHeapStatistics().used_heap_size).toBeGreaterThan(20 * 1024 * 1024);
  });
});
