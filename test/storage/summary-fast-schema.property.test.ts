/**
 * SegmentSummaryFastSchema (src/storage/summary-fast-schema.ts) is a twin of SegmentSummarySchema
 * for start-up: whatever it accepts, SegmentSummarySchema accepts with the same output; what it
 * refuses goes to SegmentSummarySchema. Checked on buckets as the store writes them and on buckets
 * bent in every way zod tells apart: wrong types, unsafe or fractional integers, negative counts,
 * missing and extra keys, tuples of the wrong length, non-plain objects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SegmentSummarySchema } from '../../src/storage/segment-files.js';
import { SegmentSummaryFastSchema } from '../../src/storage/summary-fast-schema.js';

const count = fc.nat({ max: 5000 });
const cell = fc.tuple(fc.option(fc.string({ maxLength: 12 }), { nil: null }), fc.string({ maxLength: 12 }), fc.integer({ min: -3, max: 5000 }));
const bucket = fc.record({
  hour: fc.integer({ min: 0, max: 600_000 }),
  total: count,
  confidence_sum: fc.double({ min: 0, max: 5000, noNaN: true }),
  confidence_count: count,
  labeled: count,
  correct: count,
  cells: fc.array(cell, { maxLength: 8 }),
  predicted: fc.array(fc.tuple(fc.string({ maxLength: 12 }), count), { maxLength: 6 }),
  rating_count: count,
  rating_sum: count,
  ratings: fc.tuple(count, count, count, count, count),
});

/** A value zod tells apart from a valid field: another type, a bad number, a wrong shape. */
const odd = fc.constantFrom<unknown>(
  null,
  undefined,
  'x',
  true,
  -1,
  1.5,
  2 ** 53,
  -0,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [1, 2],
  ['a', 1, 2, 3],
  [null, 'b', 1.5],
  [null, 'b', 2 ** 53],
  ['a', -1],
  [1, 2, 3, 4, 5, 6],
  [1, 2, 3, 4],
);

type Bucket = Record<string, unknown>;

/** One way to bend a bucket: set a field to an odd value, drop a field, add a key, bend a tuple, or change its prototype. */
const bend = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('hour', 'total', 'confidence_sum', 'confidence_count', 'labeled', 'correct', 'cells', 'predicted', 'rating_count', 'rating_sum', 'ratings'), value: odd }),
  fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom('hour', 'total', 'cells', 'predicted', 'ratings', 'rating_sum') }),
  fc.record({ kind: fc.constant('extra' as const), key: fc.constantFrom('extra', 'constructor', 'hours') }),
  fc.record({ kind: fc.constant('cell' as const), value: odd }),
  fc.record({ kind: fc.constant('predicted' as const), value: odd }),
  fc.record({ kind: fc.constant('prototype' as const) }),
);

function bent(original: Bucket, how: { kind: string; key?: string; value?: unknown }): unknown {
  const copy: Bucket = structuredClone(original);
  switch (how.kind) {
    case 'set':
      copy[how.key!] = how.value;
      return copy;
    case 'drop':
      delete copy[how.key!];
      return copy;
    case 'extra':
      Object.defineProperty(copy, how.key!, { value: 1, enumerable: true, writable: true, configurable: true });
      return copy;
    case 'cell':
      (copy.cells as unknown[]).push(how.value);
      return copy;
    case 'predicted':
      (copy.predicted as unknown[]).push(how.value);
      return copy;
    default:
      return Object.assign(Object.create({ inherited: true }) as Bucket, copy);
  }
}

function summary(buckets: unknown[]): unknown {
  return {
    schema_version: 4,
    kind: 'segment-summary',
    segment: 3,
    source_revision: 0,
    label_fingerprint: 'f',
    first_seq: 2000,
    record_count: 1000,
    min_timestamp: '2026-01-01T00:00:00.000Z',
    max_timestamp: '2026-01-01T08:00:00.000Z',
    raw_dropped: false,
    id_hashes: '',
    predicted_complete: true,
    groups: [{ model_name: 'voice', model_version: '1.0', first_seq: 2000, last_timestamp: '2026-01-01T08:00:00+00:00', buckets }],
  };
}

/** Fast accepts ⇒ full accepts with the same output (and the same JSON text); full refuses ⇒ fast refuses. */
function expectTwins(value: unknown): { fast: boolean; full: boolean } {
  const fast = SegmentSummaryFastSchema.safeParse(value);
  const full = SegmentSummarySchema.safeParse(value);
  if (fast.success) {
    expect(full.success).toBe(true);
    expect(fast.data).toEqual(full.data!);
    expect(JSON.stringify(fast.data)).toBe(JSON.stringify(full.data));
  }
  if (!full.success) expect(fast.success).toBe(false);
  return { fast: fast.success, full: full.success };
}

describe('SegmentSummaryFastSchema', () => {
  it('accepts buckets as the store writes them (read back through JSON), with the output zod gives', () => {
    fc.assert(
      fc.property(fc.array(bucket, { maxLength: 6 }), (buckets) => {
        const value = JSON.parse(JSON.stringify(summary(buckets))) as unknown;
        expect(expectTwins(value)).toEqual({ fast: true, full: true });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses whatever zod refuses, and accepts nothing zod would change, in bent buckets', () => {
    let refusedByBoth = 0;
    fc.assert(
      fc.property(fc.array(bucket, { minLength: 1, maxLength: 3 }), fc.nat(), bend, (buckets, at, how) => {
        const index = at % buckets.length;
        const bentBuckets: unknown[] = buckets.map((b, i) => (i === index ? bent(b, how) : b));
        const { fast, full } = expectTwins(summary(bentBuckets));
        if (!fast && !full) refusedByBoth += 1;
      }),
      { numRuns: 600 },
    );
    // The bends do reach zod's refusals (the property is not passing on valid input alone).
    expect(refusedByBoth).toBeGreaterThan(100);
  });

  it('reports what SegmentSummarySchema reports: a refused file is read with it', async () => {
    const { parseStoredJson } = await import('../../src/storage/durable-json-file.js');
    const text = JSON.stringify(summary([{ ...fc.sample(bucket, 1)[0]!, total: -1 }]));
    expect(() => parseStoredJson('aggregates/segment-00000003.json', text, SegmentSummarySchema, SegmentSummaryFastSchema)).toThrow(
      /segment-00000003\.json.*groups\.0\.buckets\.0\.total/,
    );
  });
});
