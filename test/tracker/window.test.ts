import { describe, expect, it } from 'vitest';
import { inTimeWindow, resolveWindow } from '../../src/tracker/window.js';

const NOW = new Date('2024-01-15T10:30:00.000Z');
const ms = (iso: string) => Date.parse(iso);

describe('resolveWindow', () => {
  it('resolves no window and "all" to all time', () => {
    const all = { kind: 'all', window: { kind: 'all', spec: 'all', since: null, until: null } };
    expect(resolveWindow(undefined, undefined, undefined, NOW)).toEqual(all);
    expect(resolveWindow('all', undefined, undefined, NOW)).toEqual(all);
  });

  it('resolves 7d to exactly now − 7 days up to and including now', () => {
    expect(resolveWindow('7d', undefined, undefined, NOW)).toEqual({
      kind: 'time',
      fromMs: ms('2024-01-08T10:30:00.000Z'),
      toMs: NOW.getTime() + 1,
      window: { kind: 'duration', spec: '7d', since: '2024-01-08T10:30:00.000Z', until: '2024-01-15T10:30:00.000Z' },
    });
  });

  it('does not round a 30m window to its hour', () => {
    const now = new Date('2024-01-15T10:20:00.000Z');
    const window = resolveWindow('30m', undefined, undefined, now);
    expect(window.kind === 'time' && window.fromMs).toBe(ms('2024-01-15T09:50:00.000Z'));
    expect(inTimeWindow({ timestamp: '2024-01-15T09:49:59.999Z' }, window)).toBe(false);
    expect(inTimeWindow({ timestamp: '2024-01-15T09:50:00.000Z' }, window)).toBe(true);
    expect(inTimeWindow({ timestamp: '2024-01-15T10:20:00.000Z' }, window)).toBe(true);
    expect(inTimeWindow({ timestamp: '2024-01-15T10:20:00.001Z' }, window)).toBe(false);
  });

  it('supports hours and weeks', () => {
    const twelveHours = resolveWindow('12h', undefined, undefined, NOW);
    expect(twelveHours.kind === 'time' && twelveHours.fromMs).toBe(ms('2024-01-14T22:30:00.000Z'));
    const twoWeeks = resolveWindow('2w', undefined, undefined, NOW);
    expect(twoWeeks.kind === 'time' && twoWeeks.fromMs).toBe(ms('2024-01-01T10:30:00.000Z'));
  });

  it('resolves a bare number to the last N labeled predictions', () => {
    expect(resolveWindow('500', undefined, undefined, NOW)).toEqual({
      kind: 'count',
      count: 500,
      window: { kind: 'count', spec: '500', since: null, until: null },
    });
  });

  it('resolves since/until to [since, until), exact to the millisecond', () => {
    const since = '2024-01-10T05:59:59.000Z';
    const until = '2024-01-12T00:00:00.000Z';
    const window = resolveWindow(undefined, since, until, NOW);
    expect(window).toEqual({ kind: 'time', fromMs: ms(since), toMs: ms(until), window: { kind: 'range', spec: null, since, until } });
    expect(inTimeWindow({ timestamp: '2024-01-10T05:59:58.999Z' }, window)).toBe(false);
    expect(inTimeWindow({ timestamp: since }, window)).toBe(true);
    expect(inTimeWindow({ timestamp: '2024-01-11T23:59:59.999Z' }, window)).toBe(true);
    expect(inTimeWindow({ timestamp: until }, window)).toBe(false);
  });

  it('leaves the open end of a one-sided range null', () => {
    expect(resolveWindow(undefined, undefined, '2024-01-12T07:45:00.000Z', NOW)).toEqual({
      kind: 'time',
      fromMs: null,
      toMs: ms('2024-01-12T07:45:00.000Z'),
      window: { kind: 'range', spec: null, since: null, until: '2024-01-12T07:45:00.000Z' },
    });
    const since = resolveWindow(undefined, '2024-01-12T07:45:00.000Z', undefined, NOW);
    expect(since.kind === 'time' && [since.fromMs, since.toMs]).toEqual([ms('2024-01-12T07:45:00.000Z'), null]);
  });

  it('rejects a spec it cannot read', () => {
    expect(() => resolveWindow('7x', undefined, undefined, NOW)).toThrow(RangeError);
    expect(() => resolveWindow('d7', undefined, undefined, NOW)).toThrow('bad window d7');
  });
});
