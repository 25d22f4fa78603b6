import { describe, expect, it } from 'vitest';
import { resolveWindow } from '../../src/tracker/window.js';

const NOW = new Date('2024-01-15T10:30:00.000Z');
const ms = (iso: string) => Date.parse(iso);

describe('resolveWindow', () => {
  it('resolves no window and "all" to all time', () => {
    const all = { kind: 'all', window: { kind: 'all', spec: 'all', since: null, until: null } };
    expect(resolveWindow(undefined, undefined, undefined, NOW)).toEqual(all);
    expect(resolveWindow('all', undefined, undefined, NOW)).toEqual(all);
  });

  it('resolves 7d to the hours from the one holding now − 7 days', () => {
    expect(resolveWindow('7d', undefined, undefined, NOW)).toEqual({
      kind: 'hours',
      fromHour: ms('2024-01-08T10:00:00.000Z'),
      toHour: null,
      window: { kind: 'duration', spec: '7d', since: '2024-01-08T10:30:00.000Z', until: '2024-01-15T10:30:00.000Z' },
    });
  });

  it('floors the start of a 30m window to its hour (the whole hour is included)', () => {
    const now = new Date('2024-01-15T10:20:00.000Z');
    expect(resolveWindow('30m', undefined, undefined, now)).toEqual({
      kind: 'hours',
      fromHour: ms('2024-01-15T09:00:00.000Z'),
      toHour: null,
      window: { kind: 'duration', spec: '30m', since: '2024-01-15T09:50:00.000Z', until: '2024-01-15T10:20:00.000Z' },
    });
  });

  it('supports hours and weeks', () => {
    const twelveHours = resolveWindow('12h', undefined, undefined, NOW);
    expect(twelveHours.kind === 'hours' && twelveHours.fromHour).toBe(ms('2024-01-14T22:00:00.000Z'));
    const twoWeeks = resolveWindow('2w', undefined, undefined, NOW);
    expect(twoWeeks.kind === 'hours' && twoWeeks.fromHour).toBe(ms('2024-01-01T10:00:00.000Z'));
  });

  it('resolves a bare number to the last N labeled predictions', () => {
    expect(resolveWindow('500', undefined, undefined, NOW)).toEqual({
      kind: 'count',
      count: 500,
      window: { kind: 'count', spec: '500', since: null, until: null },
    });
  });

  it('resolves since/until to the hours holding them, and they win over a window spec', () => {
    const since = '2024-01-10T05:59:59.000Z';
    const until = '2024-01-12T00:00:00.000Z';
    const expected = {
      kind: 'hours',
      fromHour: ms('2024-01-10T05:00:00.000Z'),
      toHour: ms('2024-01-12T00:00:00.000Z'),
      window: { kind: 'range', spec: null, since, until },
    };
    expect(resolveWindow(undefined, since, until, NOW)).toEqual(expected);
    expect(resolveWindow('7d', since, until, NOW)).toEqual(expected);
  });

  it('leaves the open end of a one-sided range null', () => {
    expect(resolveWindow(undefined, undefined, '2024-01-12T07:45:00.000Z', NOW)).toEqual({
      kind: 'hours',
      fromHour: null,
      toHour: ms('2024-01-12T07:00:00.000Z'),
      window: { kind: 'range', spec: null, since: null, until: '2024-01-12T07:45:00.000Z' },
    });
    const since = resolveWindow(undefined, '2024-01-12T07:45:00.000Z', undefined, NOW);
    expect(since.kind === 'hours' && [since.fromHour, since.toHour]).toEqual([ms('2024-01-12T07:00:00.000Z'), null]);
  });

  it('rejects a spec it cannot read', () => {
    expect(() => resolveWindow('7x', undefined, undefined, NOW)).toThrow(RangeError);
    expect(() => resolveWindow('d7', undefined, undefined, NOW)).toThrow('bad window d7');
  });
});
