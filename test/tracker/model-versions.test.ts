import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { fixedClock, SEED_TRAINING, voicePrediction } from '../support/predictions.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let open: ModelPerformanceTracker[] = [];

async function start(models: Record<string, unknown> = {}): Promise<ModelPerformanceTracker> {
  const tracker = await openTracker({ dataDir: dir.path, config: { schema_version: 1, models }, now: fixedClock });
  open.push(tracker);
  return tracker;
}

beforeEach(async () => {
  n = 0;
  dir = await createTempDir('versions-');
});
afterEach(async () => {
  for (const tracker of open) await tracker.close();
  open = [];
  await dir.remove();
});

/** Logs one labeled prediction per version, in the order given; version i is right when i is even. */
let n = 0;
async function logVersions(tracker: ModelPerformanceTracker, versions: string[]): Promise<void> {
  for (const version of versions) {
    n += 1;
    await tracker.logPrediction(voicePrediction(n, { model_version: version, ground_truth: { user_id: n % 2 === 0 ? n % 3 : (n % 3) + 1 } }));
  }
}

describe('the default version of a model', () => {
  it('is the highest in natural order, not the one seen last', async () => {
    const tracker = await start();
    await logVersions(tracker, ['1.10', '1.2', '1.9']);
    const performance = await tracker.getPerformance('voice_recognition');
    expect(performance.model_version).toBe('1.10');
    expect(performance.versions).toEqual(['1.2', '1.9', '1.10']);
  });

  it('does not change when a late prediction arrives for an old version', async () => {
    const tracker = await start();
    await logVersions(tracker, ['v2']);
    expect((await tracker.getPerformance('voice_recognition')).model_version).toBe('v2');
    await logVersions(tracker, ['v1']); // an old version, first seen now
    expect((await tracker.getPerformance('voice_recognition')).model_version).toBe('v2');
    expect((await tracker.listModels())[0]).toMatchObject({ model_version: 'v2', latest_version: 'v2' });
  });

  it('is models.<name>.current_version when configured, even before it has a prediction', async () => {
    const tracker = await start({ voice_recognition: { current_version: '1.2' } });
    await logVersions(tracker, ['1.2', '1.10']);
    expect((await tracker.getPerformance('voice_recognition')).model_version).toBe('1.2');
    await open.pop()!.close();
    // Switched to a version that has no prediction yet: its (empty) figures, not another version's.
    const switched = await start({ voice_recognition: { current_version: '3.0' } });
    expect(await switched.getPerformance('voice_recognition')).toMatchObject({ model_version: '3.0', total_predictions: 0, accuracy: null });
    expect((await switched.listModels())[0]).toMatchObject({ model_version: '3.0', latest_version: '1.10', total_predictions: 0 });
    await expect(switched.getPerformance('voice_recognition', { version: '1.10' })).resolves.toMatchObject({ total_predictions: 1 });
  });
});

describe('GET /models summaries', () => {
  it('give the default version figures, equal to its performance answer, and label all-versions figures', async () => {
    const tracker = await start();
    // 1.9: 3 predictions, 1.10: 2 predictions.
    await logVersions(tracker, ['1.9', '1.10', '1.9', '1.10', '1.9']);
    const [summary] = await tracker.listModels();
    const performance = await tracker.getPerformance('voice_recognition');
    expect(summary).toMatchObject({
      model_name: 'voice_recognition',
      model_version: performance.model_version,
      window: performance.window,
      total_predictions: performance.total_predictions,
      labeled_predictions: performance.labeled_predictions,
      accuracy: performance.accuracy,
      confidence: performance.confidence,
      confidence_count: performance.confidence_count,
      all_versions: { total_predictions: 5, labeled_predictions: 5 },
    });
    expect(summary!.model_version).toBe('1.10');
    expect(summary!.total_predictions).toBe(2);
  });
});

describe('a model known only by its training sessions', () => {
  it('is listed and answers its performance with no predictions and null rates', async () => {
    const tracker = await start();
    await tracker.logTraining({ ...SEED_TRAINING, model_name: 'fresh_model', model_version: '2.0' });
    const [summary] = await tracker.listModels();
    expect(summary).toMatchObject({ model_name: 'fresh_model', model_version: '2.0', versions: [], total_predictions: 0, accuracy: null });
    const performance = await tracker.getPerformance('fresh_model');
    expect(performance).toMatchObject({ model_name: 'fresh_model', model_version: '2.0', total_predictions: 0, accuracy: null, precision: null, confidence: null });
    await expect(tracker.getPerformance('nobody')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('comparing a version with itself', () => {
  it('is refused as invalid input, and stores nothing', async () => {
    const tracker = await start();
    await logVersions(tracker, ['1.0', '1.1']);
    await expect(tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '1.0' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(tracker.listComparisons('voice_recognition')).toEqual([]);
  });
});

describe('a ground truth that shares no key with the prediction', () => {
  it('is refused, naming both sets of keys, and changes nothing', async () => {
    const tracker = await start();
    await tracker.logPrediction({ prediction_id: 'a-1', model_name: 'voice_recognition', prediction: { user_id: 'alice' } });
    const refused = await tracker.recordGroundTruth('a-1', { ground_truth: { user: 'alice' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect(JSON.stringify(refused instanceof InvalidInputError ? refused.issues : null)).toMatch(/user.*user_id/);
    expect(await tracker.getPrediction('a-1')).toMatchObject({ ground_truth: null, correct: null });
    await expect(tracker.logPrediction({ model_name: 'voice_recognition', prediction: { user_id: 'alice' }, ground_truth: { user: 'alice' } })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect((await tracker.getPerformance('voice_recognition')).total_predictions).toBe(1);
  });

  it('is accepted when it shares a key', async () => {
    const tracker = await start();
    await tracker.logPrediction({ prediction_id: 'b-1', model_name: 'voice_recognition', prediction: { user_id: 'alice', room: 'hall' } });
    await expect(tracker.recordGroundTruth('b-1', { ground_truth: { user_id: 'bob', extra: 1 } })).resolves.toMatchObject({ correct: false });
  });
});
