import { describe, expect, it } from 'vitest';
import { bucketCount, bucketStart, bucketStarts } from '../../src/metrics/time-buckets.js';

const ms = (iso: string) => Date.parse(iso);
const iso = (value: number) => new Date(value).toISOString();

describe('bucket edges are UTC', () => {
  it('floors to the hour and to the UTC day', () => {
    expect(iso(bucketStart(ms('2024-03-31T01:59:59.999Z'), '1h'))).toBe('2024-03-31T01:00:00.000Z');
    expect(iso(bucketStart(ms('2024-03-31T23:59:59.999Z'), '1d'))).toBe('2024-03-31T00:00:00.000Z');
    expect(iso(bucketStart(ms('2024-04-01T00:00:00.000Z'), '1d'))).toBe('2024-04-01T00:00:00.000Z');
  });

  it('starts a week on Monday 00:00 UTC (ISO 8601)', () => {
    // 2024-01-15 was a Monday, 2024-01-21 a Sunday.
    expect(iso(bucketStart(ms('2024-01-15T00:00:00.000Z'), '1w'))).toBe('2024-01-15T00:00:00.000Z');
    expect(iso(bucketStart(ms('2024-01-21T23:59:59.999Z'), '1w'))).toBe('2024-01-15T00:00:00.000Z');
    expect(iso(bucketStart(ms('2024-01-22T00:00:00.000Z'), '1w'))).toBe('2024-01-22T00:00:00.000Z');
    // Before the epoch too: 1969-12-31 was a Wednesday.
    expect(iso(bucketStart(ms('1969-12-31T12:00:00.000Z'), '1w'))).toBe('1969-12-29T00:00:00.000Z');
    for (let day = 0; day < 60; day += 1) {
      expect(new Date(bucketStart(ms('2023-12-01T05:00:00Z') + day * 86_400_000, '1w')).getUTCDay()).toBe(1);
    }
  });

  it('lists the buckets that cover [since, until), until excluded', () => {
    const starts = bucketStarts(ms('2024-01-15T10:30:00Z'), ms('2024-01-17T00:00:00Z'), '1d').map(iso);
    expect(starts).toEqual(['2024-01-15T00:00:00.000Z', '2024-01-16T00:00:00.000Z']);
    expect(bucketStarts(ms('2024-01-15T10:30:00Z'), ms('2024-01-17T00:00:00.001Z'), '1d')).toHaveLength(3);
    expect(bucketStarts(ms('2024-01-15T10:00:00Z'), ms('2024-01-15T10:00:00Z'), '1h')).toEqual([]);
  });

  it('counts the buckets as the listing does', () => {
    const cases: Array<[string, string, '1h' | '1d' | '1w']> = [
      ['2024-01-15T10:30:00Z', '2024-01-17T00:00:00Z', '1d'],
      ['2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z', '1w'],
      ['2024-01-01T00:59:00Z', '2024-01-01T05:00:01Z', '1h'],
      ['2024-01-01T00:00:00Z', '2023-01-01T00:00:00Z', '1h'],
    ];
    for (const [since, until, bucket] of cases) {
      expect(bucketCount(ms(since), ms(until), bucket)).toBe(bucketStarts(ms(since), ms(until), bucket).length);
    }
  });
});
