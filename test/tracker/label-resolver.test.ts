import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/tracker/tracker-config.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { LabelResolver } from '../../src/tracker/label-resolver.js';

const model = (config: Partial<ModelConfig> = {}): ModelConfig => ({ targets: {}, ...config });

function record(fields: Partial<PredictionLog>): PredictionLog {
  return {
    prediction_id: 'p-1',
    model_name: 'voice_recognition',
    model_version: '1.0',
    input_data: {},
    prediction: { user_id: 1, confidence: 0.92 },
    confidence: 0.92,
    ground_truth: null,
    ground_truth_source: null,
    correct: null,
    context: {},
    timestamp: '2024-01-15T10:30:00.000Z',
    rating: null,
    labeled_at: null,
    ...fields,
  };
}

describe('LabelResolver.isCorrect', () => {
  it("judges the seed's example correct: the prediction's extra confidence key does not matter", () => {
    expect(LabelResolver.isCorrect({ user_id: 1, confidence: 0.92 }, { user_id: 1 })).toBe(true);
    expect(LabelResolver.isCorrect({ user_id: 1, confidence: 0.92 }, { user_id: 2 })).toBe(false);
  });

  it('needs every key of a multi-key ground truth to match', () => {
    const prediction = { user_id: 1, room: 'hall', confidence: 0.8 };
    expect(LabelResolver.isCorrect(prediction, { user_id: 1, room: 'hall' })).toBe(true);
    expect(LabelResolver.isCorrect(prediction, { user_id: 1, room: 'kitchen' })).toBe(false);
    expect(LabelResolver.isCorrect(prediction, { user_id: 1, floor: 2 })).toBe(false);
  });

  it('compares values deeply and by JSON type', () => {
    expect(LabelResolver.isCorrect({ where: { b: 2, a: 1 } }, { where: { a: 1, b: 2 } })).toBe(true);
    expect(LabelResolver.isCorrect({ user_id: 1 }, { user_id: '1' })).toBe(false);
    expect(LabelResolver.isCorrect({ user_id: null }, { user_id: null })).toBe(true);
  });
});

describe('LabelResolver.classes', () => {
  it('reads both labels from the configured label_key, ignoring other ground-truth keys', () => {
    const labels = new LabelResolver({ voice_recognition: model({ label_key: 'user_id' }) });
    const labeled = record({ ground_truth: { user_id: 2, note: 'guest' }, correct: false });
    expect(labels.classes(labeled)).toEqual({ truth: '2', predicted: '1' });
  });

  it("uses a ground truth's single key when no label_key is configured", () => {
    const labels = new LabelResolver({});
    const labeled = record({ model_name: 'pattern_learner', prediction: { pattern_type: 'morning', confidence: 0.7 }, ground_truth: { pattern_type: 'evening' }, correct: false });
    expect(labels.classes(labeled)).toEqual({ truth: '"evening"', predicted: '"morning"' });
  });

  it('makes one label of all the keys of a multi-key ground truth', () => {
    const labels = new LabelResolver({});
    const labeled = record({ prediction: { user_id: 1, room: 'kitchen', confidence: 0.5 }, ground_truth: { user_id: 1, room: 'hall' }, correct: false });
    expect(labels.classes(labeled)).toEqual({ truth: '{"room":"hall","user_id":1}', predicted: '{"room":"kitchen","user_id":1}' });
  });

  it('gives truth null for correct:false without a ground truth', () => {
    const configured = new LabelResolver({ voice_recognition: model({ label_key: 'user_id' }) });
    expect(configured.classes(record({ correct: false }))).toEqual({ truth: null, predicted: '1' });
    const unconfigured = new LabelResolver({});
    expect(unconfigured.classes(record({ correct: false }))).toEqual({ truth: null, predicted: '1' });
  });
});

describe('LabelResolver.impliedGroundTruth', () => {
  it("is the prediction's own label (correct:true alone)", () => {
    const configured = new LabelResolver({ voice_recognition: model({ label_key: 'user_id' }) });
    expect(configured.impliedGroundTruth(record({}))).toEqual({ user_id: 1 });
    const unconfigured = new LabelResolver({});
    expect(unconfigured.impliedGroundTruth(record({ prediction: { user_id: 3, room: 'hall', confidence: 0.5 } }))).toEqual({ user_id: 3, room: 'hall' });
  });
});

describe('LabelResolver.contribute', () => {
  it('floors the hour and leaves the outcome null while unlabeled', () => {
    const labels = new LabelResolver({});
    expect(labels.contribute(record({ timestamp: '2024-01-15T10:59:59.999Z' }))).toEqual({
      model_name: 'voice_recognition',
      model_version: '1.0',
      hour: Date.parse('2024-01-15T10:00:00.000Z'),
      confidence: 0.92,
      predicted: '1',
      rating: null,
      outcome: null,
    });
  });

  it('carries the outcome and classes of a labeled record', () => {
    const labels = new LabelResolver({ voice_recognition: model({ label_key: 'user_id' }) });
    expect(labels.contribute(record({ ground_truth: { user_id: 1 }, correct: true })).outcome).toEqual({ correct: true, truth: '1', predicted: '1' });
  });
});

describe('LabelResolver.fingerprint', () => {
  it('changes with the label keys only, whatever the order of the models', () => {
    const a = new LabelResolver({ a: model({ label_key: 'x' }), b: model({ label_key: 'y' }), c: model({ task: 'binary' }) });
    const b = new LabelResolver({ b: model({ label_key: 'y' }), a: model({ label_key: 'x' }) });
    const c = new LabelResolver({ a: model({ label_key: 'x' }), b: model({ label_key: 'z' }) });
    expect(a.fingerprint).toBe('[["a","x"],["b","y"]]');
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });
});

describe('LabelResolver with keys that objects inherit', () => {
  it('reads own fields only: a ground truth naming "constructor" or "toString" is compared with the prediction\'s own field', () => {
    const resolver = new LabelResolver({});
    expect(LabelResolver.isCorrect({ class: [] }, { class: [], constructor: 0 })).toBe(false);
    expect(LabelResolver.isCorrect({ toString: 1 }, { toString: 1 })).toBe(true);
    const record = {
      prediction_id: 'p',
      model_name: 'm',
      model_version: '1.0',
      input_data: {},
      prediction: { class: [] },
      confidence: 0,
      ground_truth: { class: [], constructor: 0 },
      ground_truth_source: 'api' as const,
      correct: false,
      context: {},
      timestamp: '2024-01-15T12:00:00.000Z',
      labeled_at: '2024-01-15T12:00:00.000Z',
      rating: null,
    };
    expect(resolver.classes(record)).toEqual({ truth: '{"class":[],"constructor":0}', predicted: '{"class":[],"constructor":null}' });
    expect(new LabelResolver({ m: { label_key: 'constructor', targets: {} } }).classes(record)).toEqual({ truth: '0', predicted: 'null' });
  });
});
