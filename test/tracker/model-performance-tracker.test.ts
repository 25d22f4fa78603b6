import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { ConflictError, NotFoundError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { diffAggregates } from '../support/aggregate-diff.js';
import { fixedClock, minutesBefore, NOW, SEED_PREDICTION, SEED_TRAINING, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let open: ModelPerformanceTracker[] = [];

async function start(config: unknown = SMALL_SEGMENTS_CONFIG): Promise<ModelPerformanceTracker> {
  const tracker = await openTracker({ dataDir: dir.path, config, now: fixedClock });
  open.push(tracker);
  return tracker;
}

async function restart(tracker: ModelPerformanceTracker, config: unknown = SMALL_SEGMENTS_CONFIG): Promise<ModelPerformanceTracker> {
  await tracker.close();
  open = open.filter((t) => t !== tracker);
  return start(config);
}

async function allPredictions(tracker: ModelPerformanceTracker, model = 'voice_recognition'): Promise<PredictionLog[]> {
  const out: PredictionLog[] = [];
  let cursor: string | undefined;
  do {
    const page = await tracker.getPredictions(model, { limit: 7, ...(cursor ? { cursor } : {}) });
    out.push(...page.predictions);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

const segmentFiles = async (sub: 'predictions' | 'aggregates') => (await readdir(join(dir.path, sub))).filter((name) => !name.startsWith('.')).sort();

beforeEach(async () => {
  dir = await createTempDir('tracker-');
});

afterEach(async () => {
  for (const tracker of open) await tracker.close();
  open = [];
  await dir.remove();
});

/** n 1..25: 1..5 labeled inline, 6..15 labeled later; n % 5 === 0 wrong (truth user + 1). */
async function logLabeledHistory(tracker: ModelPerformanceTracker): Promise<void> {
  const truth = (n: number) => ({ user_id: n % 5 === 0 ? (n % 3) + 1 : n % 3 });
  for (let n = 1; n <= 25; n += 1) {
    await tracker.logPrediction(voicePrediction(n, n <= 5 ? { ground_truth: truth(n) } : {}));
  }
  for (let n = 6; n <= 15; n += 1) await tracker.recordGroundTruth(`p-${n}`, { ground_truth: truth(n) });
}

describe('restart', () => {
  it('reopens with the same performance, predictions and ids, and takes late labels for sealed segments', async () => {
    let tracker = await start();
    await logLabeledHistory(tracker);
    const performance = await tracker.getPerformance('voice_recognition');
    expect(performance).toMatchObject({ total_predictions: 25, labeled_predictions: 15, correct_predictions: 12, incorrect_predictions: 3, accuracy: 0.8 });
    const predictions = await allPredictions(tracker);
    expect(predictions.map((p) => p.prediction_id)).toEqual(Array.from({ length: 25 }, (_, i) => `p-${25 - i}`));
    const models = await tracker.listModels();
    expect(await segmentFiles('predictions')).toEqual(['segment-00000001.jsonl', 'segment-00000002.jsonl', 'segment-00000003.jsonl']);
    expect(await segmentFiles('aggregates')).toEqual(['segment-00000001.json', 'segment-00000002.json']);

    tracker = await restart(tracker);
    expect(await tracker.getPerformance('voice_recognition')).toEqual(performance);
    expect(await allPredictions(tracker)).toEqual(predictions);
    expect(await tracker.listModels()).toEqual(models);
    for (let n = 1; n <= 25; n += 1) expect((await tracker.store.get(`p-${n}`))?.prediction_id).toBe(`p-${n}`);

    // p-17 sits in sealed segment 2 and is unlabeled; p-5 (segment 1) was wrong and becomes right.
    const labeled = await tracker.recordGroundTruth('p-17', { ground_truth: { user_id: 2 }, labeled_at: '2024-01-15T11:00:00Z' });
    expect(labeled).toEqual({
      ...voicePrediction(17),
      ground_truth: { user_id: 2 },
      ground_truth_source: 'api',
      correct: true,
      labeled_at: '2024-01-15T11:00:00.000Z',
      rating: null,
    });
    await tracker.recordGroundTruth('p-5', { ground_truth: { user_id: 2 } });
    const after = await tracker.getPerformance('voice_recognition');
    expect(after).toMatchObject({ total_predictions: 25, labeled_predictions: 16, correct_predictions: 14, incorrect_predictions: 2, accuracy: 14 / 16 });

    tracker = await restart(tracker);
    expect(await tracker.getPerformance('voice_recognition')).toEqual(after);
    expect(await tracker.store.get('p-17')).toEqual(labeled);
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
  });

  it('stores every field of a prediction as given (the seed body)', async () => {
    let tracker = await start();
    const logged = await tracker.logPrediction({ ...SEED_PREDICTION, prediction_id: 'seed-1', timestamp: '2024-01-15T10:30:00Z' });
    expect(logged).toEqual({ prediction_id: 'seed-1', correct: true });
    const expected: PredictionLog = {
      prediction_id: 'seed-1',
      model_name: 'voice_recognition',
      model_version: '1.0',
      input_data: { audio_length: 2.5, sample_rate: 16000 },
      prediction: { user_id: 1, confidence: 0.92 },
      confidence: 0.92,
      ground_truth: { user_id: 1 },
      ground_truth_source: 'inline',
      correct: true,
      context: { device: 'living_room_mic' },
      timestamp: '2024-01-15T10:30:00.000Z',
      labeled_at: NOW.toISOString(),
      rating: null,
    };
    expect(await tracker.store.get('seed-1')).toEqual(expected);
    tracker = await restart(tracker);
    expect(await tracker.store.get('seed-1')).toEqual(expected);
  });

  it('keeps a copy: changing the caller\'s objects afterwards changes nothing stored', async () => {
    const tracker = await start();
    const body = {
      prediction_id: 'copy-1',
      model_name: 'voice_recognition',
      input_data: { audio_length: 2.5, samples: [1, 2] },
      prediction: { user_id: 1 },
      ground_truth: { user_id: 1 },
      context: { device: 'mic', nested: { room: 'hall' } },
    };
    await tracker.logPrediction(body);
    body.input_data.samples.push(3);
    body.prediction.user_id = 2;
    body.ground_truth.user_id = 2;
    body.context.nested.room = 'attic';
    const stored = await tracker.store.get('copy-1');
    expect(stored).toMatchObject({
      input_data: { audio_length: 2.5, samples: [1, 2] },
      prediction: { user_id: 1 },
      ground_truth: { user_id: 1 },
      correct: true,
      context: { device: 'mic', nested: { room: 'hall' } },
    });
  });
});

describe('late labels', () => {
  it('replaces an older label, and the metrics follow', async () => {
    const tracker = await start();
    await tracker.logPrediction(voicePrediction(1)); // predicts user 1
    await tracker.recordGroundTruth('p-1', { ground_truth: { user_id: 2 } });
    expect(await tracker.getPerformance('voice_recognition')).toMatchObject({ labeled_predictions: 1, correct_predictions: 0, accuracy: 0 });
    const relabeled = await tracker.recordGroundTruth('p-1', { ground_truth: { user_id: 1 }, source: 'event_id', labeled_at: '2024-01-15T11:59:00Z' });
    expect(relabeled).toMatchObject({ ground_truth: { user_id: 1 }, ground_truth_source: 'event_id', correct: true, labeled_at: '2024-01-15T11:59:00.000Z' });
    const performance = await tracker.getPerformance('voice_recognition');
    expect(performance).toMatchObject({ labeled_predictions: 1, correct_predictions: 1, accuracy: 1 });
    expect(performance.confusion_matrix).toEqual({ labels: [1], matrix: [[1]], unknown_truth: [0] });
  });

  it('counts correct:false alone as incorrect and as a false positive of the predicted class', async () => {
    const tracker = await start();
    const suggestion = (id: string, accepted: boolean) => ({
      prediction_id: id,
      model_name: 'suggestion_engine',
      prediction: { accepted },
      confidence: 0.7,
      timestamp: minutesBefore(10),
    });
    await tracker.logPrediction({ ...suggestion('s-tp', true), ground_truth: { accepted: true } });
    await tracker.logPrediction({ ...suggestion('s-tn', false), ground_truth: { accepted: false } });
    await tracker.logPrediction(suggestion('s-fp', true));
    const record = await tracker.recordGroundTruth('s-fp', { correct: false });
    expect(record).toMatchObject({ ground_truth: null, correct: false, ground_truth_source: 'api' });
    const performance = await tracker.getPerformance('suggestion_engine');
    expect(performance).toMatchObject({
      task: 'binary',
      labeled_predictions: 3,
      correct_predictions: 2,
      incorrect_predictions: 1,
      accuracy: 2 / 3,
      precision: 0.5,
      recall: 1,
      false_positive_rate: 0.5,
    });
    expect(performance.confusion_matrix).toEqual({ labels: [false, true], matrix: [[1, 0], [0, 1]], unknown_truth: [0, 1] });
  });

  it('labels predictions in sealed segments and in the segment being sealed by the same commit', async () => {
    const tracker = await start();
    for (let n = 1; n <= 25; n += 1) await tracker.logPrediction(voicePrediction(n));
    // Concurrent: a label for sealed segment 1, inserts that seal segment 3, a label for a record of segment 3.
    const results = await Promise.all([
      tracker.recordGroundTruth('p-2', { ground_truth: { user_id: 2 } }),
      ...[26, 27, 28, 29, 30, 31].map((n) => tracker.logPrediction(voicePrediction(n))),
      tracker.recordGroundTruth('p-22', { ground_truth: { user_id: 0 } }),
      tracker.recordGroundTruth('p-31', { ground_truth: { user_id: 1 } }),
    ]);
    expect(results).toHaveLength(9);
    expect(await segmentFiles('aggregates')).toEqual(['segment-00000001.json', 'segment-00000002.json', 'segment-00000003.json']);
    expect(await tracker.store.get('p-2')).toMatchObject({ ground_truth: { user_id: 2 }, correct: true });
    expect(await tracker.store.get('p-22')).toMatchObject({ ground_truth: { user_id: 0 }, correct: false });
    expect(await tracker.store.get('p-31')).toMatchObject({ ground_truth: { user_id: 1 }, correct: true });
    expect(await tracker.getPerformance('voice_recognition')).toMatchObject({ total_predictions: 31, labeled_predictions: 3, correct_predictions: 2 });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
  });

  it('rejects a label for an unknown id with NotFoundError', async () => {
    const tracker = await start();
    await tracker.logPrediction(voicePrediction(1));
    const attempt = tracker.recordGroundTruth('p-404', { ground_truth: { user_id: 1 } });
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    await expect(tracker.recordGroundTruth('p-404', { correct: true })).rejects.toThrow('no stored prediction has prediction_id "p-404"');
  });

  it('rejects a duplicate prediction_id with ConflictError: open segment, sealed segment, same commit, after restart', async () => {
    let tracker = await start();
    for (let n = 1; n <= 15; n += 1) await tracker.logPrediction(voicePrediction(n));
    await expect(tracker.logPrediction(voicePrediction(12))).rejects.toBeInstanceOf(ConflictError);
    await expect(tracker.logPrediction(voicePrediction(3))).rejects.toThrow('prediction_id "p-3" is already stored');
    const sameCommit = await Promise.allSettled([tracker.logPrediction(voicePrediction(40)), tracker.logPrediction(voicePrediction(40, { confidence: 0.1 }))]);
    expect(sameCommit.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((sameCommit[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);

    tracker = await restart(tracker);
    await expect(tracker.logPrediction(voicePrediction(3))).rejects.toBeInstanceOf(ConflictError);
    await expect(tracker.logPrediction(voicePrediction(14))).rejects.toBeInstanceOf(ConflictError);
    await expect(tracker.logPrediction(voicePrediction(40))).rejects.toBeInstanceOf(ConflictError);
    expect((await tracker.getPerformance('voice_recognition')).total_predictions).toBe(16);
    expect(await tracker.store.get('p-40')).toMatchObject({ confidence: voicePrediction(40).confidence });
  });

  it('tells ids with the same 32-bit hash apart in sealed segments', async () => {
    // idHash('pred-26381') === idHash('pred-866480') (see id-hashes.test.ts).
    const tracker = await start();
    await tracker.logPrediction(voicePrediction(1, { prediction_id: 'pred-26381' }));
    for (let n = 2; n <= 10; n += 1) await tracker.logPrediction(voicePrediction(n));
    await tracker.logPrediction(voicePrediction(11, { prediction_id: 'pred-866480' }));
    for (let n = 12; n <= 21; n += 1) await tracker.logPrediction(voicePrediction(n));
    await expect(tracker.logPrediction(voicePrediction(99, { prediction_id: 'pred-866480' }))).rejects.toBeInstanceOf(ConflictError);
    await tracker.recordGroundTruth('pred-866480', { ground_truth: { user_id: 2 } });
    expect(await tracker.store.get('pred-866480')).toMatchObject({ input_data: { sample: 11 }, correct: true });
    expect(await tracker.store.get('pred-26381')).toMatchObject({ input_data: { sample: 1 }, correct: null });
  });
});

describe('windows', () => {
  it('7d excludes older predictions; since/until select hours; a count takes the last N labeled', async () => {
    const tracker = await start();
    const daysAgo = (days: number, minutes = 0) => minutesBefore(days * 24 * 60 + minutes);
    // Ten days ago: 3 labeled, all correct. Two days ago: 4 predictions, 2 labeled wrong, 1 right, 1 unlabeled.
    for (let n = 1; n <= 3; n += 1) await tracker.logPrediction(voicePrediction(n, { timestamp: daysAgo(10, 10 - n), ground_truth: { user_id: n % 3 } }));
    await tracker.logPrediction(voicePrediction(4, { timestamp: daysAgo(2, 6), ground_truth: { user_id: 0 } }));
    await tracker.logPrediction(voicePrediction(5, { timestamp: daysAgo(2, 5), ground_truth: { user_id: 0 } }));
    await tracker.logPrediction(voicePrediction(6, { timestamp: daysAgo(2, 4) }));
    await tracker.logPrediction(voicePrediction(7, { timestamp: daysAgo(2, 3), ground_truth: { user_id: 1 } }));

    expect(await tracker.getPerformance('voice_recognition', { window: 'all' })).toMatchObject({ total_predictions: 7, labeled_predictions: 6, correct_predictions: 4 });
    const week = await tracker.getPerformance('voice_recognition', { window: '7d' });
    expect(week).toMatchObject({ total_predictions: 4, labeled_predictions: 3, correct_predictions: 1 });
    expect(week.window).toEqual({ kind: 'duration', spec: '7d', since: '2024-01-08T12:00:00.000Z', until: '2024-01-15T12:00:00.000Z' });

    // Last 3 labeled (p-7, p-5, p-4) and the unlabeled p-6 made between them.
    const lastThree = await tracker.getPerformance('voice_recognition', { window: '3' });
    expect(lastThree).toMatchObject({ total_predictions: 4, labeled_predictions: 3, correct_predictions: 1 });
    expect(lastThree.window).toEqual({ kind: 'count', spec: '3', since: null, until: null });
    const lastFour = await tracker.getPerformance('voice_recognition', { window: '4' });
    expect(lastFour).toMatchObject({ total_predictions: 5, labeled_predictions: 4, correct_predictions: 2 });

    const range = await tracker.getPerformance('voice_recognition', { since: daysAgo(11), until: daysAgo(9) });
    expect(range).toMatchObject({ total_predictions: 3, labeled_predictions: 3, correct_predictions: 3 });
    const untilOnly = await tracker.getPerformance('voice_recognition', { until: daysAgo(3) });
    expect(untilOnly.total_predictions).toBe(3);
    const sinceOnly = await tracker.getPerformance('voice_recognition', { since: daysAgo(3) });
    expect(sinceOnly.total_predictions).toBe(4);
  });

  it('counts the last N labeled across sealed segments and ignores other versions', async () => {
    const tracker = await start();
    for (let n = 1; n <= 24; n += 1) {
      const version = n % 4 === 0 ? '2.0' : '1.0';
      await tracker.logPrediction(voicePrediction(n, { model_version: version, ground_truth: { user_id: n <= 12 ? n % 3 : (n + 1) % 3 } }));
    }
    // Version 1.0 has 18 labeled: 1..12 minus 4, 8, 12 right (9), 13..23 minus 16, 20 wrong (9). The last 12 are n 9..23.
    const last = await tracker.getPerformance('voice_recognition', { version: '1.0', window: '12' });
    expect(last).toMatchObject({ total_predictions: 12, labeled_predictions: 12, correct_predictions: 3 });
  });
});

describe('comparison', () => {
  const comparisonConfig = { ...SMALL_SEGMENTS_CONFIG, comparison: { min_samples: 10, alpha: 0.05 } };

  async function logPair(tracker: ModelPerformanceTracker, n: number, aRight: boolean, bRight: boolean): Promise<void> {
    const truth = { user_id: n % 3 };
    const wrong = { user_id: (n % 3) + 1, confidence: 0.6 };
    const right = { user_id: n % 3, confidence: 0.9 };
    await tracker.logPrediction({ ...voicePrediction(n), prediction_id: `a-${n}`, model_version: '1.0', prediction: aRight ? right : wrong, confidence: aRight ? 0.9 : 0.6, ground_truth: truth });
    await tracker.logPrediction({ ...voicePrediction(n), prediction_id: `b-${n}`, model_version: '1.1', prediction: bRight ? right : wrong, confidence: bRight ? 0.9 : 0.6, ground_truth: truth });
  }

  it('gives deltas b − a and a McNemar winner on paired inputs, lists it, and keeps it across restart', async () => {
    let tracker = await start(comparisonConfig);
    for (let n = 1; n <= 12; n += 1) await logPair(tracker, n, n % 2 === 0, true);
    const comparison = await tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '1.1' });
    expect(comparison).toMatchObject({
      model_name: 'voice_recognition',
      version_a: '1.0',
      version_b: '1.1',
      winner: '1.1',
      min_samples: 10,
      test: { method: 'mcnemar_exact', statistic: 0, p_value: 2 / 64, alpha: 0.05, paired_samples: 12 },
      created_at: NOW.toISOString(),
    });
    expect(comparison.metrics_a).toMatchObject({ model_version: '1.0', accuracy: 0.5, labeled_predictions: 12 });
    expect(comparison.metrics_b).toMatchObject({ model_version: '1.1', accuracy: 1, labeled_predictions: 12 });
    expect(comparison.deltas.accuracy).toBe(0.5);
    expect(comparison.deltas.confidence).toBeCloseTo(0.9 - 0.75, 12);
    expect(comparison.deltas.precision).toBe(comparison.metrics_b.precision! - comparison.metrics_a.precision!);
    expect(comparison.reason).toBe('version 1.1 is more accurate than 1.0 (100.0 % vs 50.0 %; p = 0.0313 < 0.05, mcnemar_exact)');

    const second = await tracker.compareVersions('voice_recognition', { version_a: '1.1', version_b: '1.0' });
    expect(second.deltas.accuracy).toBe(-0.5);
    expect(tracker.listComparisons('voice_recognition')).toEqual([second, comparison]);
    expect(tracker.listComparisons()).toEqual([second, comparison]);

    tracker = await restart(tracker, comparisonConfig);
    expect(tracker.listComparisons('voice_recognition')).toEqual([second, comparison]);
  });

  it('is inconclusive with a reason when a version has too few labeled predictions', async () => {
    const tracker = await start(comparisonConfig);
    for (let n = 1; n <= 4; n += 1) await logPair(tracker, n, false, true);
    const comparison = await tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '1.1' });
    expect(comparison.winner).toBe('inconclusive');
    expect(comparison.reason).toBe(
      'not enough evidence: version 1.0 has 4 labeled predictions and version 1.1 has 4 labeled predictions; at least 10 each are needed',
    );
    expect(comparison.test).toBeNull();
    expect(comparison.deltas.accuracy).toBe(1);
  });

  it('rejects an unknown version with NotFoundError', async () => {
    const tracker = await start(comparisonConfig);
    await logPair(tracker, 1, true, true);
    await expect(tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '9.9' })).rejects.toBeInstanceOf(NotFoundError);
    expect(tracker.listComparisons()).toEqual([]);
  });
});

describe('training', () => {
  it('stores the seed body, lists newest first, refuses a duplicate id, and keeps it across restart', async () => {
    let tracker = await start();
    const seed = await tracker.logTraining(SEED_TRAINING);
    expect(seed).toEqual({ ...SEED_TRAINING, model_version: '1.0', timestamp: NOW.toISOString() });
    const older = await tracker.logTraining({ ...SEED_TRAINING, training_session_id: 'train_20240101_001', timestamp: '2024-01-01T08:00:00Z' });
    const newer = await tracker.logTraining({ ...SEED_TRAINING, training_session_id: 'train_20240201_001', model_version: '1.1', timestamp: '2024-02-01T08:00:00Z' });
    await tracker.logTraining({ ...SEED_TRAINING, model_name: 'pattern_learner', training_session_id: 'train_pattern_1' });
    await expect(tracker.logTraining(SEED_TRAINING)).rejects.toBeInstanceOf(ConflictError);
    await expect(tracker.logTraining(SEED_TRAINING)).rejects.toThrow('training_session_id "train_20240115_001" is already stored');
    // Two at once with the same new id: exactly one is stored.
    const racing = await Promise.allSettled([0, 1].map(() => tracker.logTraining({ ...SEED_TRAINING, training_session_id: 'train_race', timestamp: '2023-12-01T00:00:00Z' })));
    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(racing.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason).toBeInstanceOf(ConflictError);

    const race = tracker.getTrainingHistory('voice_recognition').find((s) => s.training_session_id === 'train_race')!;
    const history = [newer, seed, older, race];
    expect(tracker.getTrainingHistory('voice_recognition')).toEqual(history);
    tracker = await restart(tracker);
    expect(tracker.getTrainingHistory('voice_recognition')).toEqual(history);
    expect(tracker.getTrainingHistory('pattern_learner').map((s) => s.training_session_id)).toEqual(['train_pattern_1']);
    await expect(tracker.logTraining(SEED_TRAINING)).rejects.toBeInstanceOf(ConflictError);
  });
});
