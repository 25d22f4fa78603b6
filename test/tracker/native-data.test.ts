import { describe, expect, it } from 'vitest';
import { NATIVE_MODELS } from '../../src/domain/native-models.js';
import { fixedClock } from '../support/predictions.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** Predictions with no confidence, user ratings and label-free figures (Home Assistant's native sources). */
const harness = useTrackerHarness('native-data-');
const open = () => harness.open({ config: { schema_version: 1, storage: { segment_max_records: 10 } }, now: fixedClock });

describe('a prediction without confidence', () => {
  it('is stored with confidence null (omitted or null) and the mean is over those that have one', async () => {
    const tracker = await open();
    await tracker.logPrediction({ prediction_id: 'a', model_name: 'm', prediction: { x: 1 } });
    await tracker.logPrediction({ prediction_id: 'b', model_name: 'm', prediction: { x: 1 }, confidence: null });
    expect(await tracker.getPrediction('a')).toMatchObject({ confidence: null, rating: null });
    let performance = await tracker.getPerformance('m');
    expect(performance).toMatchObject({ total_predictions: 2, confidence: null, confidence_count: 0 });
    expect((await tracker.listModels())[0]).toMatchObject({ confidence: null, confidence_count: 0 });
    await tracker.logPrediction({ prediction_id: 'c', model_name: 'm', prediction: { x: 1 }, confidence: 0.5 });
    performance = await tracker.getPerformance('m');
    expect(performance).toMatchObject({ total_predictions: 3, confidence: 0.5, confidence_count: 1 });
    expect((await tracker.listModels())[0]).toMatchObject({ confidence: 0.5, confidence_count: 1 });
  });
});

describe('user satisfaction', () => {
  it('takes a rating alone (the label stays), with a label, replaces it, and summarises the window', async () => {
    const tracker = await open();
    for (let i = 0; i < 25; i += 1) await tracker.logPrediction({ prediction_id: `p${i}`, model_name: 'm', prediction: { x: i % 2 } });
    expect((await tracker.getPerformance('m')).user_satisfaction).toBeNull();
    const rated = await tracker.recordGroundTruth('p0', { rating: 4 });
    expect(rated).toMatchObject({ rating: 4, correct: null, ground_truth: null, ground_truth_source: null, labeled_at: null });
    await tracker.recordGroundTruth('p1', { ground_truth: { x: 1 }, rating: 5 });
    await tracker.recordGroundTruth('p1', { rating: 2, source: 'native_kept' }); // a rating alone keeps the label and its source
    expect(await tracker.getPrediction('p1')).toMatchObject({ rating: 2, correct: true, ground_truth_source: 'api' });
    await tracker.recordGroundTruth('p24', { correct: false, rating: 1, source: 'native_undo' });
    await tracker.recordGroundTruth('p2', { ground_truth: { x: 0 } }); // a later label keeps no rating it did not have
    const performance = await tracker.getPerformance('m');
    expect(performance.user_satisfaction).toEqual({ mean: 7 / 3, count: 3, distribution: { '1': 1, '2': 1, '3': 0, '4': 1, '5': 0 } });
    expect(performance.labeled_predictions).toBe(3);
    const restarted = await (async () => {
      await harness.close(tracker);
      return open();
    })();
    expect((await restarted.getPerformance('m')).user_satisfaction).toEqual(performance.user_satisfaction);
  });

  it('refuses a rating that is not a whole number from 1 to 5, changing nothing', async () => {
    const tracker = await open();
    await tracker.logPrediction({ prediction_id: 'p', model_name: 'm', prediction: { x: 1 } });
    for (const rating of [0, 6, 2.5, '3', null]) {
      await expect(tracker.recordGroundTruth('p', { rating })).rejects.toThrow(/rating/);
    }
    expect(await tracker.getPrediction('p')).toMatchObject({ rating: null });
  });
});

describe('command_understanding_rate', () => {
  it('is 1 − not understood / total for assist_intent, labeled or not; null for other models', async () => {
    const tracker = await open();
    const intents = ['HassTurnOn', 'no_intent_match', 'HassTurnOff', 'intent-failed', 'HassTurnOn', 'action_done', 'no_valid_targets', 'query_answer'];
    for (const [i, intent] of intents.entries()) {
      await tracker.logPrediction({ prediction_id: `a${i}`, model_name: NATIVE_MODELS.assistIntent, prediction: { intent }, ...(i === 0 ? { ground_truth: { intent } } : {}) });
    }
    await tracker.logPrediction({ prediction_id: 'o', model_name: 'other', prediction: { intent: 'no_intent_match' } });
    const performance = await tracker.getPerformance(NATIVE_MODELS.assistIntent);
    expect(performance.command_understanding_rate).toBe(1 - 3 / 8);
    expect(performance.confidence).toBeNull();
    expect((await tracker.getPerformance('other')).command_understanding_rate).toBeNull();
  });
});
