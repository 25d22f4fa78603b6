import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { buildReport } from '../../src/reports/build-report.js';
import { renderMarkdown } from '../../src/reports/render-markdown.js';
import { TrackerReportSource } from '../../src/reports/tracker-report-source.js';
import { REPORT_CONFIG, seedTwoPeriods } from '../support/report-seed.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** The report over a real store in a temp dir: two seeded weeks, figures checked in the model and in the Markdown. */
const NOW = new Date('2026-11-30T08:00:00.000Z');
const harness = useTrackerHarness('report-');

describe('buildReport over a real store', () => {
  it('compares this week with the previous one: counts, deltas, targets, drift, confusions, slices, daily points', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: harness.dir.path });
    const tracker = await harness.open({ config, now: () => NOW });
    await seedTwoPeriods(tracker, NOW);
    const source = new TrackerReportSource(tracker, async () => []);
    const report = await buildReport(source, { period: '7d', now: NOW });

    expect(report.since).toBe('2026-11-23T08:00:00.000Z');
    expect(report.previous_since).toBe('2026-11-16T08:00:00.000Z');
    expect(report.models).toHaveLength(1);
    const [voice] = report.models;
    expect(voice!.counts).toEqual({ total: 70, labeled: 70, previous_total: 70, previous_labeled: 70 });
    const accuracy = voice!.figures.find((figure) => figure.metric === 'accuracy')!;
    expect(accuracy.current).toBeCloseTo(0.7, 10);
    expect(accuracy.previous).toBeCloseTo(0.9, 10);
    expect(accuracy.delta).toBeCloseTo(-0.2, 10);
    expect(voice!.targets).toEqual([{ metric: 'accuracy', kind: 'floor', target: 0.8, value: expect.closeTo(0.7, 10), status: 'missed' }]);
    expect(voice!.confusions).toEqual([{ truth: 'alice', predicted: 'bob', count: 21 }]);
    expect(voice!.slice_fields).toEqual(['context.device']);
    // kitchen: each day the 3 wrong ones (n = 0, 1, 2) and the right ones at even n = 4, 6, 8: 7 × 6 = 42, 21 right.
    expect(voice!.worst_slices[0]).toEqual({ by: 'context.device', value: 'kitchen', labeled_predictions: 42, accuracy: 0.5 });
    expect(voice!.series).toHaveLength(7);
    expect(voice!.series.every((point) => point.labeled === 10 && Math.abs((point.accuracy ?? 0) - 0.7) < 1e-9)).toBe(true);
    expect(voice!.drift).not.toBeNull();
    expect(voice!.drift!.accuracy_delta).toBeCloseTo(-0.2, 10);
    expect(voice!.drift!.accuracy_p_value).toBeLessThan(0.01);

    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## voice (version 1.0)');
    expect(markdown).toContain('| Accuracy | 70.0% | 90.0% | −20.0 pp |');
    expect(markdown).toContain('Accuracy ≥ 80.0%: **missed** (70.0%)');
    expect(markdown).toContain('alice → bob (21)');
    expect(markdown).toContain('context.device = kitchen: 50.0% of 42');
  });

  it('lists a model with nothing in either period with empty figures, not an error', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: harness.dir.path });
    const tracker = await harness.open({ config, now: () => NOW });
    await tracker.logPrediction({ model_name: 'voice', prediction: { person: 'alice' }, timestamp: '2020-01-01T00:00:00Z' });
    const report = await buildReport(new TrackerReportSource(tracker, async () => []), { period: '7d', now: NOW });
    const [voice] = report.models;
    expect(voice!.counts).toEqual({ total: 0, labeled: 0, previous_total: 0, previous_labeled: 0 });
    expect(voice!.figures.every((figure) => figure.current === null && figure.delta === null)).toBe(true);
    expect(voice!.targets[0]!.status).toBe('unknown');
    expect(voice!.worst_slices).toEqual([]);
    expect(renderMarkdown(report)).toContain('| Accuracy | — | — | — |');
  });

  it('slices by model_version when the period has no context key and the model has several versions', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: harness.dir.path });
    const tracker = await harness.open({ config, now: () => NOW });
    for (let n = 0; n < 12; n += 1) {
      const version = n % 2 === 0 ? '1.0' : '2.0';
      const wrong = version === '2.0' && n % 4 === 1;
      await tracker.logPrediction({ model_name: 'voice', model_version: version, prediction: { person: wrong ? 'bob' : 'alice' }, ground_truth: { person: 'alice' }, timestamp: new Date(NOW.getTime() - (n + 1) * 3_600_000).toISOString() });
    }
    const report = await buildReport(new TrackerReportSource(tracker, async () => []), { period: '7d', now: NOW, model: 'voice' });
    const [voice] = report.models;
    expect(voice!.slice_fields).toEqual(['model_version']);
    expect(voice!.worst_slices).toEqual([
      { by: 'model_version', value: '2.0', labeled_predictions: 6, accuracy: 0.5 },
      { by: 'model_version', value: '1.0', labeled_predictions: 6, accuracy: 1 },
    ]);
  });
});
