import { describe, expect, it } from 'vitest';
import type { StoredGroup } from '../../src/storage/aggregate-index.js';
import { AggregateIndex } from '../../src/storage/aggregate-index.js';
import type { Contribution } from '../../src/metrics/bucket-counts.js';
import { cellKey, emptyCounts } from '../../src/metrics/bucket-counts.js';

const H = 3_600_000;
const HOUR_0 = Date.parse('2024-01-15T00:00:00.000Z');

function contribution(hourIndex: number, confidence: number, outcome: Contribution['outcome'], version = '1.0'): Contribution {
  const predicted = outcome?.predicted ?? '0';
  return { model_name: 'voice_recognition', model_version: version, hour: HOUR_0 + hourIndex * H, confidence, predicted, rating: null, outcome };
}
const NO_RATING_COUNTS = { rating_count: 0, rating_sum: 0, ratings: [0, 0, 0, 0, 0] };
const NO_RATINGS = { rating_count: 0, rating_sum: 0, ratings: [0, 0, 0, 0, 0] as [number, number, number, number, number] };
const at = (hourIndex: number) => new Date(HOUR_0 + hourIndex * H + 60_000).toISOString();
const right = (label: string) => ({ correct: true, truth: label, predicted: label });
const wrong = (truth: string | null, predicted: string) => ({ correct: false, truth, predicted });

describe('AggregateIndex', () => {
  it('adds contributions per version, all time and per hour', () => {
    const index = new AggregateIndex();
    index.apply(contribution(0, 0.9, right('1')), 1, 0, at(0));
    index.apply(contribution(0, 0.5, wrong('2', '1')), 1, 1, at(0));
    index.apply(contribution(2, 0.25, null), 1, 2, at(2));
    index.apply(contribution(1, 0.75, wrong(null, '3'), '2.0'), 1, 3, at(1));

    expect(index.models()).toEqual(['voice_recognition']);
    expect(index.versions('voice_recognition').map((v) => [v.model_version, v.first_seq, v.last_timestamp])).toEqual([
      ['1.0', 0, at(2)],
      ['2.0', 3, at(1)],
    ]);
    const v1 = index.get('voice_recognition', '1.0')!;
    expect(v1.all_time).toEqual({
      ...NO_RATING_COUNTS,
      total: 3,
      confidence_sum: 1.65,
      confidence_count: 3,
      predicted: new Map([['1', 2], ['0', 1]]),
      labeled: 2,
      correct: 1,
      cells: new Map([
        [cellKey('1', '1'), 1],
        [cellKey('2', '1'), 1],
      ]),
    });
    expect([...v1.hours.keys()]).toEqual([HOUR_0, HOUR_0 + 2 * H]);
    expect(v1.hours.get(HOUR_0 + 2 * H)).toEqual({ ...NO_RATING_COUNTS, total: 1, confidence_sum: 0.25, confidence_count: 1, labeled: 0, correct: 0, cells: new Map(), predicted: new Map([['0', 1]]) });
    expect(index.get('voice_recognition', '2.0')!.all_time.cells).toEqual(new Map([[cellKey(null, '3'), 1]]));
  });

  it('removes a contribution exactly (a relabel is remove-then-add), dropping empty cells', () => {
    const index = new AggregateIndex();
    const before = contribution(0, 0.8, wrong('2', '1'));
    const after = contribution(0, 0.8, right('1'));
    index.apply(contribution(0, 0.8, null), 1, 0, at(0));
    index.apply(contribution(0, 0.8, null), -1, 0, at(0));
    index.apply(before, 1, 0, at(0));
    index.apply(before, -1, 0, at(0));
    index.apply(after, 1, 0, at(0));
    const v1 = index.get('voice_recognition', '1.0')!;
    expect(v1.all_time).toEqual({ ...NO_RATING_COUNTS, total: 1, confidence_sum: 0.8, confidence_count: 1, labeled: 1, correct: 1, cells: new Map([[cellKey('1', '1'), 1]]), predicted: new Map([['1', 1]]) });
    expect(v1.hours.get(HOUR_0)).toEqual(v1.all_time);
  });

  it('sums the hours that start in [fromHour, toHour], or all time', () => {
    const index = new AggregateIndex();
    for (let hour = 0; hour < 5; hour += 1) index.apply(contribution(hour, 0.5, right('1')), 1, hour, at(hour));
    const sum = (from: number | null, to: number | null) => index.sum('voice_recognition', '1.0', from, to).total;
    expect(sum(null, null)).toBe(5);
    expect(sum(HOUR_0 + H, HOUR_0 + 3 * H)).toBe(3);
    expect(sum(HOUR_0 + 3 * H, null)).toBe(2);
    expect(sum(null, HOUR_0)).toBe(1);
    expect(sum(HOUR_0 + 10 * H, null)).toBe(0);
    expect(index.sum('voice_recognition', '9.9', null, null)).toEqual(emptyCounts());
  });

  it('returns a copy from sum, never the live counts', () => {
    const index = new AggregateIndex();
    index.apply(contribution(0, 0.5, right('1')), 1, 0, at(0));
    const total = index.sum('voice_recognition', '1.0', null, null);
    total.total = 99;
    total.cells.set('x', 1);
    expect(index.get('voice_recognition', '1.0')!.all_time.total).toBe(1);
    expect(index.get('voice_recognition', '1.0')!.all_time.cells.has('x')).toBe(false);
  });

  it('adds stored summary groups like the contributions they came from', () => {
    const group: StoredGroup = {
      model_name: 'voice_recognition',
      model_version: '1.0',
      first_seq: 10,
      last_timestamp: at(1),
      buckets: [
        { ...NO_RATINGS, hour: HOUR_0, total: 2, confidence_sum: 1.5, confidence_count: 2, labeled: 2, correct: 1, cells: [['1', '1', 1], ['2', '1', 1]], predicted: [['1', 2]] },
        { ...NO_RATINGS, hour: HOUR_0 + H, total: 1, confidence_sum: 0.5, confidence_count: 1, labeled: 1, correct: 0, cells: [[null, '3', 1]], predicted: [['3', 1]] },
      ],
    };
    const fromGroups = new AggregateIndex();
    fromGroups.addGroup(group);
    fromGroups.addGroup({ ...group, first_seq: 4, last_timestamp: at(0), buckets: [group.buckets[0]!] });
    const v1 = fromGroups.get('voice_recognition', '1.0')!;
    expect(v1.first_seq).toBe(4);
    expect(v1.last_timestamp).toBe(at(1));
    expect(v1.all_time).toEqual({
      ...NO_RATING_COUNTS,
      total: 5,
      confidence_sum: 3.5,
      confidence_count: 5,
      predicted: new Map([['1', 4], ['3', 1]]),
      labeled: 5,
      correct: 2,
      cells: new Map([
        [cellKey('1', '1'), 2],
        [cellKey('2', '1'), 2],
        [cellKey(null, '3'), 1],
      ]),
    });
    expect(v1.hours.get(HOUR_0)!.total).toBe(4);
    expect(v1.hours.get(HOUR_0 + H)!.total).toBe(1);
    // The stored bucket objects are not aliased: adding more does not change the group.
    expect(group.buckets[0]!.total).toBe(2);
  });

  it('forgets everything on clear', () => {
    const index = new AggregateIndex();
    index.apply(contribution(0, 0.5, null), 1, 0, at(0));
    index.clear();
    expect(index.models()).toEqual([]);
    expect(index.versions('voice_recognition')).toEqual([]);
  });

  it('sums a range equal to the hour-by-hour total while hours keep arriving out of order (from contributions and from groups)', () => {
    const index = new AggregateIndex();
    const totalOf = (from: number | null, to: number | null) => index.sum('voice_recognition', '1.0', from, to).total;
    const brute = (hours: number[], from: number | null, to: number | null) =>
      hours.filter((hour) => (from === null || hour >= HOUR_0 + from * H) && (to === null || hour <= HOUR_0 + to * H)).length;
    const seen: number[] = [];
    const ranges: Array<[number | null, number | null]> = [[null, null], [3, 7], [null, 4], [5, null], [0, 0], [8, 2], [-5, 100]];
    const order = [5, 1, 9, 3, 3, 0, 12, 7, 2, 11];
    for (const [position, hourIndex] of order.entries()) {
      if (position % 3 === 2) {
        const group: StoredGroup = {
          model_name: 'voice_recognition',
          model_version: '1.0',
          first_seq: position,
          last_timestamp: at(hourIndex),
          buckets: [{ hour: HOUR_0 + hourIndex * H, total: 1, confidence_sum: 0.5, confidence_count: 1, labeled: 0, correct: 0, cells: [], predicted: [['0', 1]], ...NO_RATINGS }],
        };
        index.addGroup(group);
      } else {
        index.apply(contribution(hourIndex, 0.5, null), 1, position, at(hourIndex));
      }
      seen.push(HOUR_0 + hourIndex * H);
      for (const [from, to] of ranges) {
        expect(totalOf(from === null ? null : HOUR_0 + from * H, to === null ? null : HOUR_0 + to * H)).toBe(brute(seen, from, to));
      }
    }
  });
});

