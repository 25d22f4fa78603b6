import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEventMappings } from '../../src/integration/load-event-mappings.js';
import { EventCapture } from '../../src/integration/event-capture.js';
import { MatchingConfigSchema } from '../../src/integration/hub-config.js';
import { HubConnection } from '../../src/integration/hub-connection.js';
import { resolveHubEndpoint } from '../../src/integration/hub-endpoint.js';
import { ImplicitLabeler } from '../../src/integration/implicit-labeler.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';

const CONFIG = {
  schema_version: 1,
  models: {
    voice_recognition: { label_key: 'user_id' },
    intent_processing: { label_key: 'intent' },
    suggestion_engine: { label_key: 'accepted', task: 'binary' },
  },
};

let hub: FakeHub;
let connection: HubConnection;
let tracker: ModelPerformanceTracker;
let capture: EventCapture;
let dataDir: string;

async function startCapture(matching: Record<string, unknown> = {}): Promise<void> {
  capture = new EventCapture({
    hub: connection,
    tracker,
    mappings: loadEventMappings({}),
    matching: MatchingConfigSchema.parse({ pending_seconds: 0.5, ...matching }),
    logger: silentLogger,
  });
  await capture.start();
}

/** Fires an event and waits until the capture has counted it. */
async function fire(type: string, data: Record<string, unknown>, options: { parentId?: string } = {}): Promise<string> {
  const before = total(type);
  const context = hub.fireEvent(type, data, options);
  await waitFor(() => total(type) > before, 10_000, `${type} to be handled`);
  return context.id;
}

function total(type: string): number {
  const counts = capture.counts()[type];
  return counts ? Object.values(counts).reduce((sum, n) => sum + n, 0) : 0;
}

async function storedFiles(): Promise<number> {
  return tracker.health().stored_predictions;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hap-capture-'));
  hub = await FakeHub.start();
  const endpoint = resolveHubEndpoint({ HA_URL: hub.url, HA_TOKEN: 'test-token' });
  if (!endpoint) throw new Error('no endpoint');
  connection = new HubConnection({ endpoint, logger: silentLogger, heartbeat: false });
  await connection.start();
  tracker = await openTracker({ dataDir, config: CONFIG });
});

afterEach(async () => {
  await capture?.stop();
  await connection.stop();
  await tracker.close();
  await hub.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('EventCapture against the fake hub', () => {
  it('subscribes to the mapped event types only, never to all events', async () => {
    await startCapture();
    expect(hub.everSubscribedToAll).toBe(false);
    for (const type of ['voice_identified', 'intent_recognized', 'suggestion_created', 'ml_prediction', 'ml_feedback', 'suggestion_dismissed']) {
      expect(hub.activeSubscriptions(type)).toBe(1);
    }
    expect(hub.activeSubscriptions('state_changed')).toBe(0);
  });

  it('logs each prediction event type as a prediction', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'v1' });
    await fire('intent_recognized', { intent: 'lights_on', confidence: 0.8, prediction_id: 'i1' });
    await fire('suggestion_created', { suggestion_id: 's1', confidence: 0.7 });
    await fire('ml_prediction', { model_name: 'pattern_learner', prediction: { pattern_type: 'morning' }, confidence: 0.6, prediction_id: 'p1' });
    expect((await tracker.listModels()).map((model) => [model.model_name, model.total_predictions])).toEqual([
      ['intent_processing', 1],
      ['pattern_learner', 1],
      ['suggestion_engine', 1],
      ['voice_recognition', 1],
    ]);
    expect(await tracker.getPrediction('s1')).toMatchObject({ prediction: { accepted: true }, confidence: 0.7, correct: null });
  });

  it('turns confirmations and corrections matched by id into ground truth', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'v1' });
    await fire('voice_identified', { user_id: 'alice', confidence: 0.6, prediction_id: 'v2' });
    await fire('voice_identification_confirmed', { prediction_id: 'v1' });
    await fire('voice_identification_corrected', { prediction_id: 'v2', user_id: 'bob' });
    expect(await tracker.getPrediction('v1')).toMatchObject({ correct: true, ground_truth: { user_id: 'alice' }, ground_truth_source: 'event_id' });
    expect(await tracker.getPrediction('v2')).toMatchObject({ correct: false, ground_truth: { user_id: 'bob' }, ground_truth_source: 'event_id' });
    const performance = await tracker.getPerformance('voice_recognition');
    expect(performance).toMatchObject({ accuracy: 0.5, labeled_predictions: 2, correct_predictions: 1 });
  });

  it('stores a rating from ml_feedback, alone (the label stays) or with a label, as user satisfaction', async () => {
    await startCapture();
    await fire('suggestion_created', { suggestion_id: 's1', confidence: 0.8 });
    await fire('suggestion_created', { suggestion_id: 's2', confidence: 0.7 });
    await fire('ml_feedback', { model_name: 'suggestion_engine', prediction_id: 's1', ground_truth: { accepted: true }, rating: 5 });
    await fire('ml_feedback', { model_name: 'suggestion_engine', prediction_id: 's2', rating: 2 });
    expect(await tracker.getPrediction('s1')).toMatchObject({ correct: true, rating: 5 });
    expect(await tracker.getPrediction('s2')).toMatchObject({ correct: null, rating: 2 });
    const performance = await tracker.getPerformance('suggestion_engine');
    expect(performance.user_satisfaction).toMatchObject({ mean: 3.5, count: 2 });
  });

  it('matches feedback without an id through the context chain', async () => {
    await startCapture();
    const predictionContext = await fire('intent_recognized', { intent: 'lights_on', confidence: 0.8 });
    await fire('intent_corrected', { intent: 'lights_off' }, { parentId: predictionContext });
    expect(await tracker.getPrediction(predictionContext)).toMatchObject({
      correct: false,
      ground_truth: { intent: 'lights_off' },
      ground_truth_source: 'event_context',
    });
  });

  it('matches feedback with only a device to the newest unlabeled prediction from that device', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'old', device_id: 'kitchen' });
    await fire('voice_identified', { user_id: 'carol', confidence: 0.9, prediction_id: 'new', device_id: 'kitchen' });
    await fire('voice_identified', { user_id: 'dave', confidence: 0.9, prediction_id: 'other', device_id: 'hall' });
    await fire('voice_identification_confirmed', { device_id: 'kitchen' });
    expect(await tracker.getPrediction('new')).toMatchObject({ correct: true, ground_truth_source: 'event_window' });
    expect(await tracker.getPrediction('old')).toMatchObject({ correct: null });
    expect(await tracker.getPrediction('other')).toMatchObject({ correct: null });
  });

  it('skips a newer prediction of the device that is already labeled: the feedback labels the newest one still open', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'open', device_id: 'kitchen' });
    await fire('voice_identified', { user_id: 'carol', confidence: 0.9, prediction_id: 'labeled', device_id: 'kitchen' });
    const labeled = await tracker.recordGroundTruth('labeled', { ground_truth: { user_id: 'bob' } });
    await fire('voice_identification_confirmed', { device_id: 'kitchen' });
    expect(await tracker.getPrediction('labeled'), 'a label given through the API is not overwritten by a device match').toEqual(labeled);
    expect(await tracker.getPrediction('open')).toMatchObject({ correct: true, ground_truth_source: 'event_window' });
    // With nothing of the device left open, the next confirmation matches nothing and changes nothing.
    await fire('voice_identification_confirmed', { device_id: 'kitchen' });
    expect(await tracker.getPrediction('labeled')).toEqual(labeled);
  });

  it('holds feedback that arrives before its prediction until the prediction comes', async () => {
    await startCapture({ pending_seconds: 30 });
    hub.fireEvent('suggestion_rejected', { suggestion_id: 's-late' });
    await waitFor(() => capture.pendingFeedback === 1, 10_000, 'feedback to wait');
    await fire('suggestion_created', { suggestion_id: 's-late', confidence: 0.4 });
    await waitFor(() => (capture.counts()['suggestion_rejected']?.labeled ?? 0) === 1, 10_000, 'the label');
    expect(await tracker.getPrediction('s-late')).toMatchObject({ correct: false, ground_truth: { accepted: false }, ground_truth_source: 'event_id' });
    expect(capture.pendingFeedback).toBe(0);
  });

  it('logs a suggestion_accepted with no suggestion_created as a prediction carrying its own ground truth', async () => {
    await startCapture({ pending_seconds: 0.2 });
    hub.fireEvent('suggestion_accepted', { suggestion_id: 'never-announced', confidence: 0.75 });
    await waitFor(() => (capture.counts()['suggestion_accepted']?.labeled ?? 0) === 1, 10_000, 'the self-labeled prediction');
    expect(await tracker.getPrediction('never-announced')).toMatchObject({
      prediction: { accepted: true },
      ground_truth: { accepted: true },
      correct: true,
      confidence: 0.75,
      ground_truth_source: 'inline',
    });
  });

  it('does not count the same prediction id twice', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'dup' });
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'dup' });
    expect(capture.counts()['voice_identified']).toMatchObject({ captured: 1, duplicates: 1 });
    expect((await tracker.listModels())[0]?.total_predictions).toBe(1);
  });

  it('refuses malformed events of every kind, counts them, stores nothing, and keeps capturing', async () => {
    await startCapture({ pending_seconds: 0 });
    const bad: Array<[string, Record<string, unknown>]> = [
      ['voice_identified', { confidence: 0.9 }],
      ['voice_identified', { user_id: 'a', confidence: 7 }],
      ['voice_identified', { user_id: 'a', confidence: 'high' }],
      ['voice_identified', { user_id: 'a', confidence: 0.5, prediction_id: ['x'] }],
      ['intent_recognized', { intent: null, confidence: 0.5 }],
      ['ml_prediction', { model_name: 42, prediction: { a: 1 }, confidence: 0.5 }],
      ['ml_prediction', { model_name: 'm', prediction: 'not an object', confidence: 0.5 }],
      ['ml_feedback', { model_name: 'm', prediction_id: 'x', correct: 'maybe' }],
      ['voice_identification_corrected', { prediction_id: 'x' }],
    ];
    for (const [type, data] of bad) await fire(type, data);
    const refused = Object.values(capture.counts()).reduce((sum, counts) => sum + counts.refused, 0);
    expect(refused).toBe(bad.length);
    expect(await storedFiles()).toBe(0);
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'fine' });
    expect(await storedFiles()).toBe(1);
  });

  it('counts feedback that matches nothing as unmatched', async () => {
    await startCapture({ pending_seconds: 0 });
    await fire('intent_confirmed', { prediction_id: 'nope' });
    expect(capture.counts()['intent_confirmed']).toMatchObject({ unmatched: 1 });
  });

  it('labels unanswered predictions implicitly, and an explicit label replaces the implicit one', async () => {
    await startCapture();
    await fire('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'quiet', device_id: 'kitchen' });
    await fire('suggestion_created', { suggestion_id: 'ignored', confidence: 0.5 });
    const later = () => new Date(Date.now() + 10 * 60_000);
    const labeler = new ImplicitLabeler({
      tracker,
      rules: {
        voice_recognition: { after_seconds: 300, label: 'correct' },
        suggestion_engine: { after_seconds: 300, label: { ground_truth: { accepted: false } } },
      },
      logger: silentLogger,
      now: later,
    });
    expect(await labeler.sweep()).toBe(2);
    expect(await tracker.getPrediction('quiet')).toMatchObject({ correct: true, ground_truth: { user_id: 'alice' }, ground_truth_source: 'implicit' });
    expect(await tracker.getPrediction('ignored')).toMatchObject({ correct: false, ground_truth: { accepted: false }, ground_truth_source: 'implicit' });
    expect(await labeler.sweep()).toBe(0);
    await fire('voice_identification_corrected', { prediction_id: 'quiet', user_id: 'bob' });
    expect(await tracker.getPrediction('quiet')).toMatchObject({ correct: false, ground_truth: { user_id: 'bob' }, ground_truth_source: 'event_id' });
  });
});
