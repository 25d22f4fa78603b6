import { describe, expect, it } from 'vitest';
import { WindowSelection } from '../../src/tracker/window-selection.js';
import type { ResolvedWindow } from '../../src/tracker/window.js';

const HOUR = 3_600_000;
const time = (fromMs: number | null, toMs: number | null): ResolvedWindow => ({ kind: 'time', fromMs, toMs, window: { kind: 'range', spec: null, since: null, until: null } });

describe('WindowSelection', () => {
  it('skips what is after a time window, takes what is in it, stops before it ([from, to) to the millisecond)', () => {
    const selection = new WindowSelection(time(10 * HOUR, 20 * HOUR), 100);
    expect(selection.timed).toBe(true);
    expect(selection.step(20 * HOUR)).toBe('skip');
    expect(selection.step(20 * HOUR - 1)).toBe('take');
    expect(selection.took(false)).toBe(true);
    expect(selection.step(10 * HOUR)).toBe('take');
    expect(selection.step(10 * HOUR - 1)).toBe('stop');
  });

  it('is full after `limit` records, and says so only for a record it would have taken', () => {
    const selection = new WindowSelection(time(10 * HOUR, 20 * HOUR), 1);
    expect(selection.step(15 * HOUR)).toBe('take');
    selection.took(true);
    expect(selection.step(21 * HOUR)).toBe('skip');
    expect(selection.step(14 * HOUR)).toBe('full');
    expect(selection.step(9 * HOUR)).toBe('stop');
    expect(selection.read).toBe(1);
  });

  it('a count window ends with its last labeled prediction, whatever the unlabeled ones between', () => {
    const selection = new WindowSelection({ kind: 'count', count: 2, window: { kind: 'count', spec: '2', since: null, until: null } }, 100);
    expect(selection.timed).toBe(false);
    expect(selection.took(false)).toBe(true);
    expect(selection.took(true)).toBe(true);
    expect(selection.took(false)).toBe(true);
    expect(selection.took(true)).toBe(false);
    expect(selection.read).toBe(4);
  });
});
