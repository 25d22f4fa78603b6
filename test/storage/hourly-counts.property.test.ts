import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BucketCounts, Contribution } from '../../src/metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts } from '../../src/metrics/bucket-counts.js';
import { HourlyCounts } from '../../src/storage/hourly-counts.js';
import type { SummaryBucket } from '../../src/storage/segment-files.js';
import { bucketToCounts, countsToBucket } from '../../src/storage/stored-bucket.js';

const H = 3_600_000;
const HOUR_0 = Date.parse('2024-01-15T00:00:00.000Z');
const LABELS = ['0', '1', 'cat', 'dog\tx', ''];

const contributionArb: fc.Arbitrary<Contribution> = fc.record({
  model_name: fc.constant('m'),
  model_version: fc.constant('1'),
  hour: fc.integer({ min: 0, max: 6 }).map((i) => HOUR_0 + i * H),
  confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  predicted: fc.constantFrom(...LABELS),
  rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  outcome: fc.option(
    fc.record({ correct: fc.boolean(), truth: fc.option(fc.constantFrom(...LABELS), { nil: null }), predicted: fc.constantFrom(...LABELS) }),
    { nil: null },
  ),
});

/** A step: add or remove a prediction, or add a stored bucket made of a few predictions. */
type Step = { kind: 'apply'; contribution: Contribution; sign: 1 | -1 } | { kind: 'bucket'; hour: number; parts: Contribution[] };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('apply' as const), contribution: contributionArb, sign: fc.constantFrom(1 as const, -1 as const) }),
  fc.record({ kind: fc.constant('bucket' as const), hour: fc.integer({ min: 0, max: 6 }).map((i) => HOUR_0 + i * H), parts: fc.array(contributionArb, { minLength: 1, maxLength: 4 }) }),
);

function bucketOf(hour: number, parts: Contribution[]): SummaryBucket {
  const counts = emptyCounts();
  for (const part of parts) applyContribution(counts, { ...part, hour }, 1);
  return countsToBucket(hour, counts);
}

/** What AggregateIndex kept per hour before the counts were packed: a BucketCounts (two Maps) per hour. */
function reference(steps: Step[]): Map<number, BucketCounts> {
  const hours = new Map<number, BucketCounts>();
  for (const step of steps) {
    if (step.kind === 'apply') {
      let counts = hours.get(step.contribution.hour);
      if (!counts) {
        counts = emptyCounts();
        hours.set(step.contribution.hour, counts);
      }
      applyContribution(counts, step.contribution, step.sign);
    } else {
      const counts = bucketToCounts(bucketOf(step.hour, step.parts));
      const known = hours.get(step.hour);
      if (known) mergeCounts(known, counts);
      else hours.set(step.hour, counts);
    }
  }
  return hours;
}

function packed(steps: Step[]): HourlyCounts {
  const hours = new HourlyCounts();
  for (const step of steps) {
    if (step.kind === 'apply') hours.apply(step.contribution, step.sign);
    else hours.addBucket(bucketOf(step.hour, step.parts));
  }
  return hours;
}

/** Counts with their Maps as entry lists, so the comparison sees the order of the keys too. */
function ordered(counts: BucketCounts | undefined): unknown {
  return counts && { ...counts, cells: [...counts.cells.entries()], predicted: [...counts.predicted.entries()] };
}

describe('HourlyCounts (packed) against the Map-based counts it replaced', () => {
  it('holds the same hours, in the same order, with the same counts and key order', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const expected = reference(steps);
        const actual = packed(steps);
        expect(actual.size).toBe(expected.size);
        expect([...actual.keys()]).toEqual([...expected.keys()]);
        for (const [hour, counts] of expected) {
          expect(actual.has(hour)).toBe(true);
          expect(ordered(actual.get(hour))).toEqual(ordered(counts));
        }
        expect([...actual].map(([hour, counts]) => [hour, ordered(counts)])).toEqual([...expected].map(([hour, counts]) => [hour, ordered(counts)]));
      }),
      { numRuns: 300 },
    );
  });

  it('sums any range of hours as merging the Map-based hours of that range does', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.option(fc.integer({ min: -1, max: 7 }), { nil: null }), fc.option(fc.integer({ min: -1, max: 7 }), { nil: null }), (steps, from, to) => {
        const fromHour = from === null ? null : HOUR_0 + from * H;
        const toHour = to === null ? null : HOUR_0 + to * H;
        const expected = emptyCounts();
        for (const hour of [...reference(steps).keys()].sort((a, b) => a - b)) {
          if ((fromHour === null || hour >= fromHour) && (toHour === null || hour <= toHour)) mergeCounts(expected, reference(steps).get(hour)!);
        }
        const actual = emptyCounts();
        packed(steps).sumInto(actual, fromHour, toHour);
        expect(ordered(actual)).toEqual(ordered(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('adds stored buckets to the all-time counts as merging their Map-based counts does (cell keys from the key table)', () => {
    const bucketArb = fc.record({ hour: fc.integer({ min: 0, max: 6 }).map((i) => HOUR_0 + i * H), parts: fc.array(contributionArb, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(bucketArb, { maxLength: 40 }), (steps) => {
        const expected = emptyCounts();
        const actual = emptyCounts();
        const hours = new HourlyCounts();
        for (const { hour, parts } of steps) {
          mergeCounts(expected, bucketToCounts(bucketOf(hour, parts)));
          hours.addBucket(bucketOf(hour, parts), actual);
        }
        expect(ordered(actual)).toEqual(ordered(expected));
      }),
      { numRuns: 300 },
    );
  });
});
