import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';

/**
 * A three-class model whose scores were worked out by hand, so a test can check the headline
 * figures against numbers the code under test did not produce (issue 9, item 13: reporting the
 * micro average as the headline passed every API and CLI test).
 *
 *   true \ predicted   a   b   c
 *   a                  3   1   0    support 4
 *   b                  1   2   1    support 4
 *   c                  1   0   1    support 2
 *
 *   a: precision 3/5, recall 3/4, F1 2/3        FPR 2/6
 *   b: precision 2/3, recall 2/4, F1 4/7        FPR 1/6
 *   c: precision 1/2, recall 1/2, F1 1/2        FPR 1/8
 *
 * accuracy 6/10; macro precision (3/5 + 2/3 + 1/2)/3 = 53/90, recall (3/4 + 1/2 + 1/2)/3 = 7/12,
 * F1 (2/3 + 4/7 + 1/2)/3 = 73/126 — all three differ from the micro average (6/10) and from the
 * support-weighted one. The 95 % Wilson interval of 6/10 with z = 1.959963984540054:
 * centre (0.6 + z²/20)/(1 + z²/10), half-width z·√(0.024 + z²/400)/(1 + z²/10) → [0.312674, 0.831820]
 * (with z = 1 it would be [0.442920, 0.738898]).
 */
export const MULTICLASS_MODEL = 'three_rooms';

/** [true label, predicted label] of each of the ten labeled predictions, oldest first. */
const OUTCOMES: ReadonlyArray<readonly [string, string]> = [
  ['a', 'a'], ['a', 'a'], ['a', 'a'], ['a', 'b'],
  ['b', 'b'], ['b', 'b'], ['b', 'a'], ['b', 'c'],
  ['c', 'c'], ['c', 'a'],
];

export const MULTICLASS_EXPECTED = {
  total: 10,
  correct: 6,
  accuracy: 6 / 10,
  macro: { precision: 53 / 90, recall: 7 / 12, f1_score: 73 / 126 },
  micro: { precision: 6 / 10, recall: 6 / 10, f1_score: 6 / 10 },
  weighted: {
    precision: (4 * (3 / 5) + 4 * (2 / 3) + 2 * (1 / 2)) / 10,
    recall: (4 * (3 / 4) + 4 * (2 / 4) + 2 * (1 / 2)) / 10,
    f1_score: (4 * (2 / 3) + 4 * (4 / 7) + 2 * (1 / 2)) / 10,
  },
  per_class: [
    { label: 'a', precision: 3 / 5, recall: 3 / 4, f1_score: 2 / 3, false_positive_rate: 2 / 6, support: 4 },
    { label: 'b', precision: 2 / 3, recall: 2 / 4, f1_score: 4 / 7, false_positive_rate: 1 / 6, support: 4 },
    { label: 'c', precision: 1 / 2, recall: 1 / 2, f1_score: 1 / 2, false_positive_rate: 1 / 8, support: 2 },
  ],
  false_positive_rate: (2 / 6 + 1 / 6 + 1 / 8) / 3,
  interval: { lower: 0.31267376973365824, upper: 0.8318196702937638, confidence_level: 0.95 },
  /** The same figures as the CLI prints them (one decimal of a percent). */
  text: {
    accuracy: '60.0%',
    interval: '31.3% – 83.2%',
    precision: '58.9%',
    recall: '58.3%',
    f1: '57.9%',
    false_positive_rate: '20.8%',
  },
} as const;

/** Logs the ten labeled predictions of the table above. */
export async function logMulticlassModel(tracker: ModelPerformanceTracker): Promise<void> {
  for (const [index, [truth, predicted]] of OUTCOMES.entries()) {
    await tracker.logPrediction({
      prediction_id: `room-${index}`,
      model_name: MULTICLASS_MODEL,
      prediction: { room: predicted },
      confidence: 0.5,
      ground_truth: { room: truth },
    });
  }
}
