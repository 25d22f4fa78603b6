import { describe, expect, it } from 'vitest';
import { CalibrationSchema } from '../../src/domain/calibration.js';
import { ModelPerformanceSchema } from '../../src/domain/performance.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { SlicesSchema } from '../../src/domain/slices.js';
import { calibrationCurve } from '../../src/metrics/calibration-curve.js';
import { getCalibration } from '../../src/tracker/build-calibration.js';
import { getSlices } from '../../src/tracker/build-slices.js';
import { estimateFromRecords } from '../../src/tracker/estimate-window-accuracy.js';
import { InvalidInputError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { fixedClock, minutesBefore } from '../support/predictions.js';
import { seededRandom } from '../support/seeded-random.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** getCalibration, getSlices and the performance answer's estimated_accuracy over a real store. */
const harness = useTrackerHarness('calibration-');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 100 }, models: { voice: { label_key: 'user' } } };
const DEVICES = ['mic_kitchen', 'mic_hall', 'mic_bedroom', 'mic_office', 'mic_garage'];

interface Simulated {
  n: number;
  confidence: number;
  /** Whether the prediction was right, labeled or not (the truth the estimate is judged against). */
  correct: boolean;
  labeled: boolean;
  device: string | null;
  timestamp: string;
}

/**
 * A well-calibrated voice model: confidence uniform in [0.4, 1], right with that probability; the
 * even predictions labeled (300), the odd ones not (300); one every 2 minutes over 20 hours.
 */
function simulate(seed: number): Simulated[] {
  const random = seededRandom(seed);
  return Array.from({ length: 600 }, (_, n) => {
    const confidence = 0.4 + 0.6 * random();
    const correct = random() < confidence;
    const draw = random();
    const device = draw < 0.05 ? null : DEVICES[Math.min(4, Math.floor(draw ** 2 * 5))]!;
    return { n, confidence, correct, labeled: n % 2 === 0, device, timestamp: minutesBefore(1200 - 2 * n) };
  });
}

async function seed(records: Simulated[]): Promise<ModelPerformanceTracker> {
  const tracker = await harness.open({ config: CONFIG, now: fixedClock });
  for (const r of records) {
    const truth = r.correct ? 'alice' : 'bob';
    await tracker.logPrediction({
      prediction_id: `p${r.n}`,
      model_name: 'voice',
      prediction: { user: 'alice' },
      confidence: r.confidence,
      context: r.device === null ? {} : { device: r.device },
      input_data: { room: { floor: r.n % 3 === 0 ? 1 : 2 } },
      timestamp: r.timestamp,
      ...(r.labeled ? { ground_truth: { user: truth } } : {}),
    });
  }
  // Another version, which no answer about 1.0 may count.
  await tracker.logPrediction({ model_name: 'voice', model_version: '0.9', prediction: { user: 'bob' }, confidence: 0.1, ground_truth: { user: 'bob' }, timestamp: minutesBefore(5) });
  return tracker;
}

const outcomes = (records: Simulated[]) => records.filter((r) => r.labeled).map((r) => ({ confidence: r.confidence, correct: r.correct }));

function expectCurveClose(actual: { bins: { count: number; accuracy: number | null; mean_confidence: number | null }[]; ece: number | null; brier_score: number | null }, expected: ReturnType<typeof calibrationCurve>) {
  expect(actual.bins.map((bin) => bin.count)).toEqual(expected.bins.map((bin) => bin.count));
  actual.bins.forEach((bin, index) => {
    expect(bin.accuracy ?? -1).toBeCloseTo(expected.bins[index]!.accuracy ?? -1, 12);
    expect(bin.mean_confidence ?? -1).toBeCloseTo(expected.bins[index]!.mean_confidence ?? -1, 12);
  });
  expect(actual.ece!).toBeCloseTo(expected.ece!, 12);
  expect(actual.brier_score!).toBeCloseTo(expected.brier_score!, 12);
}

describe('estimated accuracy in the performance answer', () => {
  it('lands within a few points of the true accuracy of a well-calibrated model (300 labeled, 300 unlabeled)', async () => {
    const records = simulate(11);
    const tracker = await seed(records);
    const performance = ModelPerformanceSchema.parse(await tracker.getPerformance('voice', { version: '1.0' }));
    const truth = records.filter((r) => r.correct).length / records.length;
    expect(performance.estimation_labeled_count).toBe(300);
    expect(performance.estimation_prediction_count).toBe(600);
    expect(Math.abs(performance.estimated_accuracy! - truth)).toBeLessThan(0.04);
    // The same number a scan of the stored records gives.
    const stored: PredictionLog[] = [];
    for (const r of records) stored.push((await tracker.getPrediction(`p${r.n}`))!);
    expect(performance.estimated_accuracy).toBeCloseTo(estimateFromRecords(stored).estimated_accuracy!, 12);
  });

  it('is null, with its counts, when too few labeled predictions have a confidence', async () => {
    const tracker = await seed(simulate(12));
    const performance = await tracker.getPerformance('voice', { version: '1.0', since: minutesBefore(40) });
    // 20 predictions in the last 40 minutes, 10 of them labeled.
    expect(performance).toMatchObject({ estimated_accuracy: null, estimation_labeled_count: 10, estimation_prediction_count: 20, total_predictions: 20 });
  });
});

describe('getCalibration', () => {
  it('equals the reliability curve of the labeled predictions of the version and window', async () => {
    const records = simulate(13);
    const tracker = await seed(records);
    const all = CalibrationSchema.parse(await getCalibration(tracker, 'voice', { version: '1.0' }));
    expect(all.labeled_with_confidence).toBe(300);
    expect(all.scan).toEqual({ predictions: 600, limit: 10_000, complete: true });
    expectCurveClose(all, calibrationCurve(outcomes(records), 10));
    expect(all.bins.slice(0, 4).every((bin) => bin.count === 0 && bin.accuracy === null)).toBe(true);

    const since = minutesBefore(600);
    const until = minutesBefore(100);
    const ranged = await getCalibration(tracker, 'voice', { version: '1.0', since, until, bins: '4' });
    const inRange = records.filter((r) => r.timestamp >= since && r.timestamp < until);
    expect(ranged.bins).toHaveLength(4);
    expect(ranged.window).toMatchObject({ kind: 'range', since, until });
    expectCurveClose(ranged, calibrationCurve(outcomes(inRange), 4));

    const lastFifty = await getCalibration(tracker, 'voice', { version: '1.0', window: '50' });
    expect(lastFifty.labeled_with_confidence).toBe(50);
    expectCurveClose(lastFifty, calibrationCurve(outcomes(records.slice(-100)), 10));
  });

  it('shows the default version, and refuses bad bins and mixed windows naming the field', async () => {
    const tracker = await seed(simulate(14));
    expect((await getCalibration(tracker, 'voice')).model_version).toBe('1.0');
    const other = await getCalibration(tracker, 'voice', { version: '0.9' });
    expect(other.labeled_with_confidence).toBe(1);
    for (const [query, field] of [
      [{ bins: '0' }, 'bins'],
      [{ bins: '101' }, 'bins'],
      [{ bins: 'ten' }, 'bins'],
      [{ window: '7d', since: minutesBefore(5) }, 'window'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const error = await getCalibration(tracker, 'voice', query).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toContain(field);
    }
  });
});

describe('getSlices', () => {
  it('gives each device its figures, largest first, with "(missing)" and the tail folded into "(other)"', async () => {
    const records = simulate(15);
    const tracker = await seed(records);
    const answer = SlicesSchema.parse(await getSlices(tracker, 'voice', { version: '1.0', by: 'context.device', limit: '3' }));
    const byDevice = new Map<string, Simulated[]>();
    for (const r of records) byDevice.set(r.device ?? '(missing)', [...(byDevice.get(r.device ?? '(missing)') ?? []), r]);
    const ranked = [...byDevice.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
    expect(answer.slices.map((slice) => slice.value)).toEqual([...ranked.slice(0, 3).map(([value]) => value), '(other)']);
    for (const [index, [value, group]] of ranked.slice(0, 3).entries()) {
      const slice = answer.slices[index]!;
      const labeled = group.filter((r) => r.labeled);
      expect(slice).toMatchObject({ value, kind: value === '(missing)' ? 'missing' : 'value', total_predictions: group.length, labeled_predictions: labeled.length });
      expect(slice.accuracy).toBeCloseTo(labeled.filter((r) => r.correct).length / labeled.length, 12);
      expect(slice.confidence).toBeCloseTo(group.reduce((sum, r) => sum + r.confidence, 0) / group.length, 12);
    }
    const other = answer.slices[3]!;
    expect(other.kind).toBe('other');
    expect(other.total_predictions).toBe(ranked.slice(3).reduce((sum, [, group]) => sum + group.length, 0));
    expect(answer.slices.reduce((sum, slice) => sum + slice.total_predictions, 0)).toBe(600);
    // Multiclass (alice/bob): precision, recall and F1 are macro averages, present wherever something is labeled.
    expect(answer.slices.every((slice) => slice.precision !== null && slice.f1_score !== null)).toBe(true);
  });

  it('slices by a nested input_data path (objects and numbers as JSON text) and by model_version', async () => {
    const tracker = await seed(simulate(16));
    const floors = await getSlices(tracker, 'voice', { by: 'input_data.room.floor' });
    expect(floors.slices.map((slice) => [slice.value, slice.total_predictions])).toEqual([['2', 400], ['1', 200]]);
    const rooms = await getSlices(tracker, 'voice', { by: 'input_data.room' });
    expect(rooms.slices.map((slice) => slice.value)).toEqual(['{"floor":2}', '{"floor":1}']);
    const versions = await getSlices(tracker, 'voice', { by: 'model_version' });
    expect(versions.model_version).toBeNull();
    expect(versions.slices.map((slice) => [slice.value, slice.total_predictions])).toEqual([['1.0', 600], ['0.9', 1]]);
    const one = await getSlices(tracker, 'voice', { by: 'model_version', version: '0.9' });
    expect(one.slices.map((slice) => slice.value)).toEqual(['0.9']);
  });

  it('refuses prototype keys and paths outside context and input_data, naming by', async () => {
    const tracker = await seed(simulate(17));
    for (const by of ['context.__proto__', 'input_data.constructor', 'context.a.prototype', 'prediction.user', 'context', 'context..x', 'context.a b', '']) {
      const error = await getSlices(tracker, 'voice', { by }).catch((caught: unknown) => caught);
      expect(error, by).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['by']);
    }
    const missing = await getSlices(tracker, 'voice', {}).catch((caught: unknown) => caught);
    expect((missing as InvalidInputError).issues.map((issue) => issue.path)).toEqual(['by']);
  });
});

describe('a damaged sealed segment', () => {
  it('leaves the estimate null (logged) and the rest of the performance answer whole', async () => {
    const { appendFile, readdir } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { recordingLogger } = await import('../support/recording-logger.js');
    const records = simulate(18).slice(0, 250);
    const tracker = await seed(records);
    const before = await tracker.getPerformance('voice', { version: '1.0' });
    await harness.close(tracker);
    // Every log but the highest (the open segment) is a sealed segment.
    const sealed = (await readdir(join(harness.dir.path, 'predictions'))).filter((name) => /^segment-\d+\.jsonl$/.test(name)).sort().slice(0, -1);
    expect(sealed.length).toBeGreaterThan(1);
    await appendFile(join(harness.dir.path, 'predictions', sealed[0]!), 'garbage\n');

    const logger = recordingLogger();
    const reopened = await harness.open({ config: CONFIG, now: fixedClock, logger });
    const after = await reopened.getPerformance('voice', { version: '1.0' });
    expect(before.estimated_accuracy).not.toBeNull();
    // The confidence mean is a float sum whose last digit depends on the order of its terms (a reopened store).
    expect(after.confidence).toBeCloseTo(before.confidence!, 12);
    expect({ ...after, confidence: 0 }).toEqual({ ...before, confidence: 0, estimated_accuracy: null, estimation_labeled_count: 0, estimation_prediction_count: 0 });
    expect(logger.entries.filter((entry) => entry.level === 'warn' && entry.message.startsWith('no estimated accuracy'))).toHaveLength(1);
  });
});

describe('the estimate stays inside the segment cache', () => {
  it('reads at most segment_cache_size × segment_max_records raw predictions (here 3 × 10)', async () => {
    const tracker = await harness.open({ config: { schema_version: 1, storage: { segment_max_records: 10, segment_cache_size: 3 } }, now: fixedClock });
    for (let n = 0; n < 45; n += 1) {
      await tracker.logPrediction({ model_name: 'm', prediction: { user: 'a' }, confidence: 0.5 + n / 100, ground_truth: { user: n % 4 === 0 ? 'b' : 'a' }, timestamp: minutesBefore(100 - n) });
    }
    const performance = await tracker.getPerformance('m');
    expect(performance.labeled_predictions).toBe(45);
    expect(performance.estimation_prediction_count).toBe(30);
    expect(performance.estimation_labeled_count).toBe(30);
    expect(performance.estimated_accuracy).not.toBeNull();
  });
});
