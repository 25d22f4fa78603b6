import { describe, expect, it } from 'vitest';
import { describeWindow, formatTarget, renderPerformance } from '../../src/cli/render-performance.js';
import { type ModelPerformance, ModelPerformanceSchema } from '../../src/domain/performance.js';

/** A multiclass voice model, 3 users, with the seed's targets. Checked against the schema. */
function voicePerformance(overrides: Partial<ModelPerformance> = {}): ModelPerformance {
  return ModelPerformanceSchema.parse({
    model_name: 'voice_recognition',
    model_version: '1.1',
    accuracy: 0.87,
    precision: 0.85,
    recall: 0.89,
    f1_score: 0.8696,
    confidence: 0.91,
    confidence_count: 1250,
    total_predictions: 1250,
    labeled_predictions: 1200,
    correct_predictions: 1044,
    incorrect_predictions: 156,
    last_evaluated: '2024-01-15T10:30:00.000Z',
    task: 'multiclass',
    positive_label: null,
    accuracy_interval: { lower: 0.8496, upper: 0.8881, confidence_level: 0.95 },
    false_positive_rate: null,
    acceptance_rate: null,
    micro: { precision: 0.87, recall: 0.87, f1_score: 0.87 },
    macro: { precision: 0.85, recall: 0.89, f1_score: 0.8696 },
    weighted: { precision: 0.86, recall: 0.87, f1_score: 0.865 },
    per_class: [
      { label: 1, precision: 0.9, recall: 0.95, f1_score: 0.9243, false_positive_rate: 0.04, support: 500 },
      { label: 2, precision: 0.8, recall: 0.85, f1_score: 0.8242, false_positive_rate: 0.06, support: 400 },
      { label: 'guest', precision: 0.85, recall: 0.87, f1_score: 0.8599, false_positive_rate: 0.03, support: 300 },
    ],
    confusion_matrix: {
      labels: [1, 2, 'guest'],
      matrix: [
        [475, 20, 5],
        [40, 340, 20],
        [13, 26, 261],
      ],
      unknown_truth: [0, 0, 0],
    },
    window: { kind: 'all', spec: 'all', since: null, until: null },
    targets: { accuracy: 0.9, precision: 0.88, recall: 0.85, f1_score: 0.89 },
    versions: ['1.0', '1.1'],
    user_satisfaction: null,
    command_understanding_rate: null,
    ...overrides,
  });
}

describe('renderPerformance', () => {
  const text = renderPerformance(voicePerformance());

  it('names the model, version, task, window and the other versions', () => {
    expect(text).toContain('voice_recognition — version 1.1 (multiclass)');
    expect(text).toContain('window: all predictions; evaluated 2024-01-15 10:30:00Z');
    expect(text).toContain('other versions: 1.0');
  });

  it('shows accuracy with its 95% interval and each target met or missed', () => {
    const lines = text.split('\n');
    const header = lines.find((line) => line.startsWith('metric'));
    expect(header).toMatch(/^metric\s+value\s+95% interval\s+target$/);
    expect(lines.find((line) => line.startsWith('accuracy'))).toMatch(/^accuracy\s+87\.0%\s+85\.0% – 88\.8%\s+≥ 90\.0% ✗$/);
    expect(lines.find((line) => line.startsWith('recall'))).toMatch(/89\.0%\s+≥ 85\.0% ✓$/);
    expect(lines.find((line) => line.startsWith('confidence'))).toMatch(/^confidence\s+91\.0%$/);
  });

  it('leaves out false positive and acceptance rates that have neither a value nor a target', () => {
    expect(text).not.toContain('false positive rate');
    expect(text).not.toContain('acceptance rate');
  });

  it('shows the counts, the per-class table with averages, and the confusion matrix', () => {
    expect(text).toContain('predictions: 1250 total, 1200 labeled, 1044 correct, 156 incorrect');
    expect(text).toMatch(/guest\s+85\.0%\s+87\.0%\s+86\.0%\s+3\.0%\s+300/);
    expect(text).toMatch(/macro avg\s+85\.0%\s+89\.0%\s+87\.0%/);
    expect(text).toContain('Confusion matrix (rows: true class, columns: predicted):');
    expect(text).toMatch(/true \\ predicted\s+1\s+2\s+guest/);
    expect(text).toMatch(/\n2\s+40\s+340\s+20\n/);
  });

  it('keeps every table line aligned: the rule is as wide as the widest line of its table', () => {
    for (const block of text.split('\n\n')) {
      const lines = block.split('\n').filter((line) => !line.endsWith(':'));
      const rule = lines.find((line) => /^─/.test(line));
      if (!rule) continue;
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual([...rule].length);
    }
  });

  it('shows binary rates with a ceiling on the false positive rate', () => {
    const binary = renderPerformance(
      voicePerformance({
        model_name: 'suggestion_engine',
        task: 'binary',
        positive_label: true,
        false_positive_rate: 0.12,
        acceptance_rate: 0.64,
        targets: { acceptance_rate: 0.6, false_positive_rate: 0.1 },
        per_class: [],
        confusion_matrix: { labels: [false, true], matrix: [[10, 2], [3, 20]], unknown_truth: [1, 0] },
      }),
    );
    expect(binary).toContain('(binary, positive class true)');
    expect(binary).toMatch(/false positive rate\s+12\.0%\s+≤ 10\.0% ✗/);
    expect(binary).toMatch(/acceptance rate\s+64\.0%\s+≥ 60\.0% ✓/);
    expect(binary).toMatch(/\(wrong, truth unknown\)\s+1\s+0/);
    expect(binary).not.toContain('Per class');
  });

  it('shows — where nothing is labeled yet, and says why', () => {
    const empty = renderPerformance(
      voicePerformance({
        accuracy: null,
        precision: null,
        recall: null,
        f1_score: null,
        accuracy_interval: null,
        labeled_predictions: 0,
        correct_predictions: 0,
        incorrect_predictions: 0,
        per_class: [],
        macro: null,
        micro: null,
        weighted: null,
        confusion_matrix: { labels: [], matrix: [], unknown_truth: [] },
      }),
    );
    expect(empty).toMatch(/^accuracy\s+—\s+≥ 90\.0% \?$/m);
    expect(empty).toContain('No labeled predictions in this window');
    expect(empty).not.toContain('Confusion matrix');
  });

  it('does not print a confusion matrix of more than 12 classes', () => {
    const labels = Array.from({ length: 13 }, (_, index) => `c${index}`);
    const many = renderPerformance(
      voicePerformance({
        per_class: [],
        confusion_matrix: {
          labels,
          matrix: labels.map(() => labels.map(() => 1)),
          unknown_truth: labels.map(() => 0),
        },
      }),
    );
    expect(many).toContain('13 classes, too many to print; use --json');
  });
});

describe('formatTarget', () => {
  it('judges floors and ceilings', () => {
    expect(formatTarget(0.91, 0.9, false)).toBe('≥ 90.0% ✓');
    expect(formatTarget(0.9, 0.9, false)).toBe('≥ 90.0% ✓');
    expect(formatTarget(0.05, 0.1, true)).toBe('≤ 10.0% ✓');
    expect(formatTarget(0.15, 0.1, true)).toBe('≤ 10.0% ✗');
    expect(formatTarget(null, 0.1, true)).toBe('≤ 10.0% ?');
    expect(formatTarget(0.5, undefined, false)).toBe('');
  });
});

describe('describeWindow', () => {
  it('says what each kind of window covers', () => {
    expect(describeWindow({ kind: 'count', spec: '500', since: null, until: null })).toBe('last 500 labeled predictions');
    expect(describeWindow({ kind: 'duration', spec: '7d', since: '2024-01-08T10:30:00.000Z', until: null })).toBe(
      'last 7d (since 2024-01-08 10:30:00Z)',
    );
    expect(describeWindow({ kind: 'range', spec: null, since: '2024-01-01T00:00:00Z', until: null })).toBe(
      '2024-01-01 00:00:00Z to now',
    );
  });
});

describe('renderPerformance of a native model (no confidences, ratings)', () => {
  it('shows — for the unknown confidence, the counted confidences, the satisfaction and the command understanding', () => {
    const text = renderPerformance(voicePerformance({
      model_name: 'assist_intent',
      confidence: null,
      confidence_count: 0,
      targets: {},
      user_satisfaction: { mean: 4.25, count: 4, distribution: { '1': 0, '2': 0, '3': 1, '4': 1, '5': 2 } },
      command_understanding_rate: 0.9,
    }));
    expect(text).toMatch(/^confidence\s+—/m);
    expect(text).toMatch(/^command understanding\s+90\.0%/m);
    expect(text).toContain('; 0 with a confidence');
    expect(text).toContain('user satisfaction: 4.25 / 5 from 4 rating(s) (1: 0, 2: 0, 3: 1, 4: 1, 5: 2)');
  });
});
