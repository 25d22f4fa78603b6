import type { ModelPerformance } from '../../src/domain/performance.js';

/** A ModelPerformance as the tracker returns it for a 7d window, with overrides. */
export function performanceFixture(overrides: Partial<ModelPerformance> = {}): ModelPerformance {
  return {
    model_name: 'voice_recognition',
    model_version: '2.0',
    accuracy: 0.875,
    precision: 0.8,
    recall: 0.9,
    f1_score: 0.847,
    confidence: 0.91234,
    confidence_count: 50,
    total_predictions: 50,
    labeled_predictions: 40,
    correct_predictions: 35,
    incorrect_predictions: 5,
    last_evaluated: '2026-01-10T12:00:00.000Z',
    task: 'binary',
    positive_label: true,
    accuracy_interval: null,
    false_positive_rate: 0.1,
    acceptance_rate: 0.5,
    micro: null,
    macro: null,
    weighted: null,
    per_class: [],
    confusion_matrix: { labels: [], matrix: [], unknown_truth: [] },
    window: { kind: 'duration', spec: '7d', since: '2026-01-03T12:00:00.000Z', until: '2026-01-10T12:00:00.000Z' },
    targets: {},
    versions: ['1.0', '2.0'],
    user_satisfaction: null,
    command_understanding_rate: null,
    estimated_accuracy: null,
    estimation_labeled_count: 0,
    estimation_prediction_count: 0,
    ...overrides,
  };
}

/** No prediction at all in the window. */
export function emptyPerformanceFixture(overrides: Partial<ModelPerformance> = {}): ModelPerformance {
  return performanceFixture({
    accuracy: null,
    precision: null,
    recall: null,
    f1_score: null,
    confidence: null,
    confidence_count: 0,
    false_positive_rate: null,
    acceptance_rate: null,
    total_predictions: 0,
    labeled_predictions: 0,
    correct_predictions: 0,
    incorrect_predictions: 0,
    ...overrides,
  });
}
