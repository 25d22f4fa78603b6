import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { propertyParameters, runs } from '../hostile/support/hostile-runs.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * The kept figures of performance answers (performance-answers.ts) are exact: two trackers are
 * given the same operations on their own stores — predictions (some backfilled, often on or near
 * an hour boundary), late labels, the clock moving by a millisecond to a day, retention — one
 * keeping answers and one computing every answer; after each step every asked window must answer
 * the same on both, field for field (the label-free estimate included: both trackers' estimate
 * caches see the same calls).
 */

const START = Date.parse('2024-01-15T12:20:00.000Z');
const HOUR = 3_600_000;
const MODELS = { m: { label_key: 'label', targets: {} } };
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10, retention_days: 1 }, models: MODELS };
const klass = fc.constantFrom('a', 'b', 'c');

/** Offsets from the clock: the last 3 hours, often on or near an hour boundary or just inside a window's start (the next ticks move it past them). */
const offsetMs = fc.oneof(
  fc.integer({ min: -3 * HOUR, max: 0 }),
  fc.tuple(fc.constantFrom(30 * 60_000, HOUR, 2 * HOUR), fc.integer({ min: 0, max: 20_000 })).map(([edge, inside]) => -edge + inside),
  fc.tuple(fc.integer({ min: -3, max: 0 }), fc.integer({ min: -2, max: 2 })).map(([hours, ms]) => ({ hours, ms })),
);

const operation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('predict' as const), offset: offsetMs, version: fc.constantFrom('1.0', '2.0'), predicted: klass, truth: fc.option(klass, { nil: null }), confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('label' as const), pick: fc.nat(), truth: fc.option(klass, { nil: null }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 120_000 }), fc.integer({ min: 1, max: 2 * HOUR })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const) }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

const QUERIES: Record<string, string>[] = [{}, { window: '30m' }, { window: '1h' }, { window: '2h' }, { window: '3' }];

function absoluteQueries(now: number): Record<string, string>[] {
  const at = (ms: number) => new Date(ms).toISOString();
  return [{ since: at(now - 90 * 60_000) }, { since: at(now - 2 * HOUR + 1), until: at(now - 30 * 60_000 - 1) }];
}

async function both<T>(trackers: ModelPerformanceTracker[], run: (tracker: ModelPerformanceTracker) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (const tracker of trackers) answers.push(await run(tracker));
  return answers;
}

async function checkOperations(operations: Operation[]): Promise<void> {
  let now = START;
  const clock = () => new Date(now);
  const dirs = [await createTempDir('answers-kept-'), await createTempDir('answers-fresh-')];
  const trackers = [
    await openTracker({ dataDir: dirs[0]!.path, config: CONFIG, now: clock }),
    await openTracker({ dataDir: dirs[1]!.path, config: CONFIG, now: clock, keepAnswers: false }),
  ];
  const asked = [...QUERIES, ...absoluteQueries(START)];
  let logged = 0;
  try {
    for (const [step, op] of operations.entries()) {
      if (op.kind === 'predict') {
        const offset = typeof op.offset === 'number' ? op.offset : Math.floor(now / HOUR + op.offset.hours) * HOUR + op.offset.ms - now;
        const id = `p${logged}`;
        logged += 1;
        await both(trackers, (tracker) =>
          tracker.logPrediction({
            prediction_id: id,
            model_name: 'm',
            model_version: op.version,
            prediction: { label: op.predicted },
            confidence: op.confidence,
            timestamp: new Date(Math.min(now, now + offset)).toISOString(),
            ...(op.truth === null ? {} : { ground_truth: { label: op.truth } }),
          }),
        );
      } else if (op.kind === 'label' && logged > 0) {
        const id = `p${op.pick % logged}`;
        const body = op.truth === null ? { correct: false } : { ground_truth: { label: op.truth } };
        // A prediction that retention dropped cannot be labeled: both must say so alike.
        const outcomes = await both(trackers, (tracker) => tracker.recordGroundTruth(id, body).then(() => 'ok', (error: Error) => error.constructor.name));
        expect(outcomes[0], `step ${step}`).toBe(outcomes[1]);
      } else if (op.kind === 'tick') {
        now += op.ms;
      } else if (op.kind === 'retention') {
        now += 25 * HOUR;
        const dropped = await both(trackers, (tracker) => tracker.applyRetention());
        expect(dropped[0], `step ${step}`).toEqual(dropped[1]);
      }
      if (logged === 0) continue;
      for (const version of ['1.0', '2.0']) {
        for (const query of [...asked, ...absoluteQueries(now)]) {
          const answers = await both(trackers, (tracker) => tracker.getPerformance('m', { version, ...query }).then((answer) => answer, (error: Error) => error.message));
          expect(answers[0], `step ${step}, version ${version}, ${JSON.stringify(query)}`).toEqual(answers[1]);
        }
      }
    }
  } finally {
    for (const tracker of trackers) await tracker.close();
    for (const dir of dirs) await dir.remove();
  }
}

describe('kept performance answers equal answers computed anew', () => {
  it(
    'across predictions, late labels, clock moves and retention',
    async () => {
      await fc.assert(fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), checkOperations), propertyParameters(runs(25)));
    },
    240_000,
  );

  it('keeps the figures while nothing changes, and renders the instant anew', async () => {
    let now = START;
    const dir = await createTempDir('answers-kept-');
    const tracker = await openTracker({ dataDir: dir.path, config: CONFIG, now: () => new Date(now) });
    try {
      await tracker.logPrediction({ prediction_id: 'a', model_name: 'm', model_version: '1.0', prediction: { label: 'a' }, timestamp: new Date(now - 10 * 60_000).toISOString(), ground_truth: { label: 'a' } });
      const first = await tracker.getPerformance('m', { window: '1h' });
      now += 1_000;
      const second = await tracker.getPerformance('m', { window: '1h' });
      expect(second.per_class).toBe(first.per_class);
      expect(second.last_evaluated).toBe(new Date(now).toISOString());
      expect(second.window.until).toBe(new Date(now).toISOString());
      expect(second.window.since).not.toBe(first.window.since);
      // The prediction leaves the window as the clock moves: the figures are computed anew.
      now += 50 * 60_000 + 1;
      const third = await tracker.getPerformance('m', { window: '1h' });
      expect([first.total_predictions, third.total_predictions]).toEqual([1, 0]);
      // A new prediction changes the aggregates: computed anew.
      await tracker.logPrediction({ prediction_id: 'b', model_name: 'm', model_version: '1.0', prediction: { label: 'b' }, timestamp: new Date(now).toISOString() });
      expect((await tracker.getPerformance('m', { window: '1h' })).total_predictions).toBe(1);
      expect((await tracker.getPerformance('m')).total_predictions).toBe(2);
    } finally {
      await tracker.close();
      await dir.remove();
    }
  });
});
