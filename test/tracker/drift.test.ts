import { describe, expect, it } from 'vitest';
import { DriftSchema } from '../../src/domain/drift.js';
import { accuracyChangePoints } from '../../src/metrics/change-points.js';
import { ksTwoSample } from '../../src/metrics/ks-two-sample.js';
import { twoProportionZTest } from '../../src/metrics/significance.js';
import { InvalidInputError, NotFoundError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { mulberry32 } from '../support/seeded-random.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** `getDrift` over the real store: two windows of one model, with hand-computed expectations. */
const harness = useTrackerHarness('drift-');
const NOW = new Date('2026-06-15T12:00:00.000Z');
const HOUR = 3_600_000;
const CONFIG = { schema_version: 1, storage: { segment_max_records: 100 }, hub: { sensors: { window: '1d' } } };

interface Logged {
  timestamp: string;
  confidence: number;
  person: string;
  correct: boolean;
}

/** 400 predictions over the day before yesterday (95 % right, confident), then 400 over the last day (60 %, less confident). */
async function seed(tracker: ModelPerformanceTracker, perWindow = 400): Promise<Logged[]> {
  const random = mulberry32(42);
  const logged: Logged[] = [];
  for (let i = 0; i < 2 * perWindow; i++) {
    const recent = i >= perWindow;
    const at = NOW.getTime() - (recent ? 1 : 2) * 24 * HOUR + 10_000 + (i % perWindow) * Math.floor((24 * HOUR - 20_000) / perWindow);
    const correct = random() < (recent ? 0.6 : 0.95);
    const confidence = Math.round((recent ? 0.5 + 0.4 * random() : 0.75 + 0.25 * random()) * 1000) / 1000;
    const person = random() < (recent ? 0.3 : 0.5) ? 'alice' : 'bob';
    const truth = correct ? person : person === 'alice' ? 'bob' : 'alice';
    const timestamp = new Date(at).toISOString();
    logged.push({ timestamp, confidence, person, correct });
    await tracker.logPrediction({ model_name: 'voice', prediction: { person }, confidence, timestamp, ...(i % 4 === 3 ? {} : { ground_truth: { person: truth } }) });
  }
  await tracker.logPrediction({ model_name: 'voice', model_version: '0.9', prediction: { person: 'carol' }, confidence: 0.1, timestamp: new Date(NOW.getTime() - HOUR).toISOString() });
  return logged;
}

describe('getDrift', () => {
  it('compares the sensors window with the same length before it, by default', async () => {
    const tracker = await harness.open({ config: CONFIG, now: () => NOW });
    const logged = await seed(tracker);
    const drift = DriftSchema.parse(await tracker.getDrift('voice'));
    const labeled = (rows: Logged[]) => rows.filter((_, i) => i % 4 !== 3);
    const reference = logged.slice(0, 400);
    const current = logged.slice(400);
    const [refLabeled, curLabeled] = [labeled(reference), labeled(current)];

    expect(drift.model_version).toBe('1.0');
    expect(drift.current).toMatchObject({ since: '2026-06-14T12:00:00.000Z', until: NOW.toISOString(), total_predictions: 400, confidence_count: 400, sampled: false });
    expect(drift.reference).toMatchObject({ since: '2026-06-13T11:59:59.999Z', until: '2026-06-14T12:00:00.000Z', total_predictions: 400, sampled: false });
    expect(drift.reference.labeled_predictions).toBe(refLabeled.length);
    expect(drift.current.labeled_predictions).toBe(curLabeled.length);
    const refCorrect = refLabeled.filter((row) => row.correct).length;
    const curCorrect = curLabeled.filter((row) => row.correct).length;
    expect(drift.accuracy.reference).toBe(refCorrect / refLabeled.length);
    expect(drift.accuracy.current).toBe(curCorrect / curLabeled.length);
    expect(drift.accuracy.delta).toBe(curCorrect / curLabeled.length - refCorrect / refLabeled.length);
    expect(drift.accuracy.p_value).toBe(twoProportionZTest(curCorrect, curLabeled.length, refCorrect, refLabeled.length).p_value);
    expect(drift.accuracy.p_value!).toBeLessThan(1e-6);

    const ks = ksTwoSample(reference.map((row) => row.confidence), current.map((row) => row.confidence))!;
    expect(drift.confidence.ks_statistic).toBe(ks.statistic);
    expect(drift.confidence.ks_p_value).toBe(ks.p_value);
    expect(drift.confidence.psi!).toBeGreaterThan(0.25);
    expect(drift.predictions.labels).toBe(2);
    expect(drift.predictions.degrees_of_freedom).toBe(1);
    expect(drift.predictions.chi2_p_value!).toBeLessThan(0.01);

    const expectedPoints = accuracyChangePoints([...refLabeled, ...curLabeled]);
    expect(drift.change_points).toEqual(expectedPoints);
    const drop = drift.change_points.find((point) => point.direction === 'drop');
    expect(drop).toBeDefined();
    expect(Date.parse(drop!.timestamp)).toBeGreaterThanOrEqual(Date.parse(drift.current.since));
    const index = curLabeled.findIndex((row) => row.timestamp === drop!.timestamp);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(150);
  });

  it('takes explicit windows and a version', async () => {
    const tracker = await harness.open({ config: CONFIG, now: () => NOW });
    const logged = await seed(tracker, 60);
    const drift = await tracker.getDrift('voice', {
      since: logged[70]!.timestamp,
      until: logged[100]!.timestamp,
      reference_since: logged[10]!.timestamp,
      reference_until: logged[25]!.timestamp,
    });
    expect(drift.current.total_predictions).toBe(30);
    expect(drift.reference.total_predictions).toBe(15);
    expect(drift.confidence.ks_statistic).toBeNull();
    expect(drift.predictions.chi2_statistic).toBeNull();
    expect(drift.accuracy.reference).not.toBeNull();
    const other = await tracker.getDrift('voice', { version: '0.9' });
    expect(other.model_version).toBe('0.9');
    expect(other.current.total_predictions).toBe(1);
    expect(other.confidence).toEqual({ ks_statistic: null, ks_p_value: null, psi: null });
    expect(other.accuracy).toEqual({ reference: null, current: null, delta: null, p_value: null });
    expect(other.change_points).toEqual([]);
  });

  it('refuses bad ranges, naming the field, and unknown models', async () => {
    const tracker = await harness.open({ config: CONFIG, now: () => NOW });
    await seed(tracker, 5);
    await expect(tracker.getDrift('voice', { since: '2026-06-15T00:00:00Z', until: '2026-06-14T00:00:00Z' })).rejects.toMatchObject({ issues: [{ path: 'since' }, { path: 'until' }] });
    await expect(tracker.getDrift('voice', { since: '2026-06-16T00:00:00Z' })).rejects.toMatchObject({ issues: [{ path: 'since' }] });
    await expect(tracker.getDrift('voice', { reference_since: '2026-06-15T00:00:00Z' })).rejects.toMatchObject({ issues: [{ path: 'reference_since' }] });
    await expect(tracker.getDrift('voice', { window: '7d' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(tracker.getDrift('nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});
