import { describe, expect, it } from 'vitest';
import { checkTargets, compareFigures, topConfusions, worstSlices } from '../../src/reports/report-figures.js';
import type { ModelReport, Report } from '../../src/reports/report-model.js';
import { driftVerdict, NO_DRIFT, NOT_TESTED } from '../../src/reports/format-figures.js';
import { renderHtml } from '../../src/reports/render-html.js';
import { markdownText, renderMarkdown, renderSummary } from '../../src/reports/render-markdown.js';
import type { ModelPerformance } from '../../src/domain/performance.js';
import type { Slices } from '../../src/domain/slices.js';

function performance(overrides: Partial<ModelPerformance>): ModelPerformance {
  return { accuracy: null, precision: null, recall: null, f1_score: null, confidence: null, estimated_accuracy: null, targets: {}, confusion_matrix: { labels: [], matrix: [], unknown_truth: [] }, ...overrides } as ModelPerformance;
}

const HOSTILE = '<img src=x onerror="alert(1)">&|*';

function modelReport(overrides: Partial<ModelReport> = {}): ModelReport {
  return {
    model_name: 'voice',
    model_version: '1.0',
    task: 'multiclass',
    counts: { total: 10, labeled: 8, previous_total: 12, previous_labeled: 12 },
    figures: [{ metric: 'accuracy', current: 0.75, previous: 0.5, delta: 0.25 }],
    targets: [],
    drift: null,
    drift_error: 'not enough data',
    confusions: [{ truth: HOSTILE, predicted: 'bob', count: 2 }],
    slice_fields: ['context.device'],
    slice_reason: 'the context key most often set in the period',
    worst_slices: [{ by: 'context.device', value: HOSTILE, labeled_predictions: 6, accuracy: 0.5 }],
    series: [
      { since: '2026-11-23T08:00:00.000Z', until: '2026-11-24T08:00:00.000Z', accuracy: 0.5, labeled: 4 },
      { since: '2026-11-24T08:00:00.000Z', until: '2026-11-25T08:00:00.000Z', accuracy: null, labeled: 0 },
      { since: '2026-11-25T08:00:00.000Z', until: '2026-11-26T08:00:00.000Z', accuracy: 1, labeled: 4 },
    ],
    experiments: [{ name: HOSTILE, version_a: '1.0', version_b: '2.0', status: 'decided', winner: '2.0', metric: 'accuracy', delta: 0.1, ended_at: '2026-11-25T00:00:00.000Z' }],
    ...overrides,
  };
}

function report(models: ModelReport[]): Report {
  return { generated_at: '2026-11-30T08:00:00.000Z', period: '7d', since: '2026-11-23T08:00:00.000Z', until: '2026-11-30T08:00:00.000Z', previous_since: '2026-11-16T08:00:00.000Z', previous_until: '2026-11-23T08:00:00.000Z', models };
}

describe('report figures', () => {
  it('computes deltas only where both periods have a figure', () => {
    const figures = compareFigures(performance({ accuracy: 0.8, precision: 0.5 }), performance({ accuracy: 0.6 }));
    expect(figures.find((f) => f.metric === 'accuracy')!.delta).toBeCloseTo(0.2, 12);
    expect(figures.find((f) => f.metric === 'precision')).toEqual({ metric: 'precision', current: 0.5, previous: null, delta: null });
  });

  it('checks floors and the false-positive-rate ceiling, and says unknown without a figure', () => {
    const checks = checkTargets(performance({ accuracy: 0.9, recall: 0.4, false_positive_rate: 0.2, targets: { accuracy: 0.85, recall: 0.5, false_positive_rate: 0.1, precision: 0.7 } }));
    expect(checks.map((c) => [c.metric, c.kind, c.status])).toEqual([
      ['accuracy', 'floor', 'met'],
      ['false_positive_rate', 'ceiling', 'missed'],
      ['precision', 'floor', 'unknown'],
      ['recall', 'floor', 'missed'],
    ]);
  });

  it('takes the largest off-diagonal cells as the top confusions', () => {
    const matrix = { labels: ['a', 'b', 'c'], matrix: [[9, 4, 1], [0, 5, 7], [2, 0, 8]], unknown_truth: [0, 0, 0] };
    expect(topConfusions(performance({ confusion_matrix: matrix }), 2)).toEqual([
      { truth: 'b', predicted: 'c', count: 7 },
      { truth: 'a', predicted: 'b', count: 4 },
    ]);
  });

  it('ranks slices by accuracy, leaving out small ones and the folded tail', () => {
    const slice = (value: string, labeled: number, accuracy: number, kind: 'value' | 'other' = 'value') => ({ value, kind, total_predictions: labeled, labeled_predictions: labeled, accuracy, precision: null, recall: null, f1_score: null, confidence: null });
    const answer = { by: 'context.room', slices: [slice('hall', 10, 0.9), slice('attic', 2, 0), slice('kitchen', 8, 0.4), slice('(other)', 30, 0.1, 'other')] } as unknown as Slices;
    expect(worstSlices([answer]).map((s) => s.value)).toEqual(['kitchen', 'hall']);
  });
});

describe('report renderers', () => {
  it('escapes everything from data in the HTML', () => {
    const html = renderHtml(report([modelReport()]));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;|*');
  });

  it('keeps data from breaking the Markdown tables and markup', () => {
    expect(markdownText('a|b*c\nd')).toBe('a\\|b\\*c d');
    const markdown = renderMarkdown(report([modelReport()]));
    expect(markdown).not.toMatch(/(^|[^\\])<img/);
    expect(markdown).toContain('\\<img src=x onerror="alert(1)"\\>&\\|\\* → bob (2)');
    expect(markdown).toContain('| Accuracy | 75.0% | 50.0% | +25.0 pp |');
  });

  it('draws one marker per bucket with labeled predictions and one bar per figure value', () => {
    const html = renderHtml(report([modelReport()]));
    expect(html).toContain('data-points="2"');
    expect(html).toContain('data-bars="2"');
    expect(html).not.toMatch(/<(link|script)\b|https?:\/\/(?!www\.w3\.org)/);
  });

  it('says so when there is no model, in both formats and the summary', () => {
    expect(renderMarkdown(report([]))).toContain('No model has logged a prediction yet.');
    expect(renderHtml(report([]))).toContain('No model has logged a prediction yet.');
    expect(renderSummary(report([]), null)).not.toContain('[Open');
  });

  it('summarizes each model in a line, with missed targets and the link', () => {
    const summary = renderSummary(report([modelReport({ targets: [{ metric: 'accuracy', kind: 'floor', target: 0.8, value: 0.75, status: 'missed' }] })]), '/hassio/ingress/local_ml_metrics');
    expect(summary).toContain('- **voice**: accuracy 75.0% (+25.0 pp), 10 predictions, missed: Accuracy');
    expect(summary).toContain('[Open the dashboard](/hassio/ingress/local_ml_metrics)');
  });
});

describe('series buckets', () => {
  it('cuts a week into 7 days and a quarter into 30 buckets whose inner boundaries are whole hours', async () => {
    const { seriesBuckets } = await import('../../src/reports/report-figures.js');
    const until = Date.parse('2026-11-30T08:17:00Z');
    const week = seriesBuckets(until - 7 * 86_400_000, until);
    expect(week).toHaveLength(7);
    expect(week[0]!.since).toBe('2026-11-23T08:17:00.000Z');
    expect(week[0]!.until).toBe('2026-11-24T08:00:00.000Z');
    expect(week[6]!.until).toBe('2026-11-30T08:17:00.000Z');
    const quarter = seriesBuckets(until - 90 * 86_400_000, until);
    expect(quarter).toHaveLength(30);
    expect(quarter.slice(1).every((bucket) => bucket.since.endsWith(':00:00.000Z'))).toBe(true);
    expect(quarter.every((bucket, index) => index === 0 || bucket.since === quarter[index - 1]!.until)).toBe(true);
  });
});

describe('the drift verdict', () => {
  const quiet = { ks_p_value: 0.4, chi2_p_value: 0.7, confidence_psi: 0.01, predictions_psi: 0.02, accuracy_p_value: 0.5, change_points: [] };
  it('says "no significant drift" only when the tests could run', () => {
    expect(driftVerdict(quiet)).toBe(NO_DRIFT);
    expect(driftVerdict({ ks_p_value: null, chi2_p_value: null, confidence_psi: null, predictions_psi: null, accuracy_p_value: null, change_points: [] })).toBe(NOT_TESTED);
  });

  it('names what moved', () => {
    expect(driftVerdict({ ...quiet, ks_p_value: 0.001, accuracy_p_value: 0.002, change_points: [{}] })).toBe('confidences shifted, accuracy changed, 1 change point');
    expect(driftVerdict({ ...quiet, predictions_psi: 0.3 })).toBe('predicted labels shifted');
  });
});
