import { describe, expect, it } from 'vitest';
import { renderComparison } from '../../src/cli/render-comparison.js';
import { renderModelList } from '../../src/cli/render-model-list.js';
import { renderPredictions } from '../../src/cli/render-predictions.js';
import { renderTraining } from '../../src/cli/render-training.js';
import { ModelComparisonSchema } from '../../src/domain/comparison.js';
import { type ModelPerformance, ModelPerformanceSchema, ModelSummarySchema } from '../../src/domain/performance.js';
import { PredictionLogSchema } from '../../src/domain/prediction.js';
import { TrainingLogSchema } from '../../src/domain/training.js';
import { SEED_TRAINING } from '../support/predictions.js';

function lineStarting(text: string, start: string): string {
  const line = text.split('\n').find((candidate) => candidate.startsWith(start));
  if (line === undefined) throw new Error(`no line starts with ${start} in:\n${text}`);
  return line;
}

const ALL_WINDOW = { kind: 'all', spec: 'all', since: null, until: null };

describe('renderModelList', () => {
  it('shows one aligned line per model: the default version\'s figures, labelled, and all versions apart', () => {
    const text = renderModelList([
      ModelSummarySchema.parse({
        model_name: 'voice_recognition',
        versions: ['1.0', '1.1'],
        latest_version: '1.1',
        model_version: '1.1',
        window: ALL_WINDOW,
        total_predictions: 1250,
        labeled_predictions: 1200,
        accuracy: 0.87,
        confidence: 0.9123,
        confidence_count: 1250,
        last_prediction_at: '2024-01-15T10:30:00.000Z',
        all_versions: { total_predictions: 2000, labeled_predictions: 1900, last_prediction_at: '2024-01-15T10:30:00.000Z' },
      }),
      ModelSummarySchema.parse({
        model_name: 'pattern_learner',
        versions: ['1.0'],
        latest_version: '1.0',
        model_version: '1.0',
        window: ALL_WINDOW,
        total_predictions: 3,
        labeled_predictions: 0,
        accuracy: null,
        confidence: 0.5,
        confidence_count: 3,
        last_prediction_at: null,
        all_versions: { total_predictions: 3, labeled_predictions: 0, last_prediction_at: null },
      }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^model\s+version\s+predictions\s+labeled\s+accuracy\s+confidence\s+last prediction\s+versions\s+all versions$/);
    expect(lineStarting(text, 'voice_recognition')).toMatch(/\s1\.1\s+1250\s+1200\s+87\.0%\s+91\.2%\s+2024-01-15 10:30:00Z\s+1\.0, 1\.1\s+2000$/);
    expect(lineStarting(text, 'pattern_learner')).toMatch(/\s1\.0\s+3\s+0\s+—\s+50\.0%\s+—\s+1\.0\s+3$/);
    expect(text).toContain('window all; "all versions": predictions of every version');
    // Right-aligned: the predictions counts end in the same column as their header.
    const headerEnd = (lines[0] ?? '').indexOf('predictions') + 'predictions'.length;
    expect(lineStarting(text, 'voice').slice(0, headerEnd).endsWith('1250')).toBe(true);
    expect(lineStarting(text, 'pattern').slice(0, headerEnd).endsWith(' 3')).toBe(true);
  });

  it('says so when no model is tracked', () => {
    expect(renderModelList([])).toContain('No models tracked yet');
  });
});

describe('renderPredictions', () => {
  const prediction = (id: string, correct: boolean | null, truth: Record<string, unknown> | null) =>
    PredictionLogSchema.parse({
      prediction_id: id,
      model_name: 'voice_recognition',
      model_version: '1.0',
      input_data: { audio_length: 2.5 },
      prediction: { user_id: 1, confidence: 0.92 },
      confidence: 0.92,
      ground_truth: truth,
      ground_truth_source: truth === null ? null : 'inline',
      correct,
      context: {},
      timestamp: '2024-01-15T10:30:00Z',
      labeled_at: truth === null ? null : '2024-01-15T10:30:00Z',
    });

  it('shows a table and the command for the next page', () => {
    const text = renderPredictions(
      {
        model_name: 'voice_recognition',
        predictions: [prediction('p-2', true, { user_id: 1 }), prediction('p-1', null, null)],
        next_cursor: '17',
      },
      { limit: 2, version: '1.0' },
    );
    expect(text.split('\n')[0]).toMatch(/^time\s+id\s+version\s+prediction\s+ground truth\s+correct\s+confidence$/);
    expect(lineStarting(text, '2024-01-15 10:30:00Z  p-2')).toMatch(/user_id=1, confidence=0\.92\s+1\s+✓\s+92\.0%$/);
    expect(lineStarting(text, '2024-01-15 10:30:00Z  p-1')).toMatch(/—\s+—\s+92\.0%$/);
    expect(text).toContain('Older predictions: hap ml-metrics predictions voice_recognition --limit 2 --version 1.0 --cursor 17');
  });

  it('shows whole ids (a user copies them to label one) and keeps --url or --data-dir in the hint', () => {
    const id = 'assist_intent:01HQZX8J5K2M3N4P5Q6R7S8T9V-run-42';
    const page = { model_name: 'assist_intent', predictions: [prediction(id, null, null)], next_cursor: '9' };
    const remote = renderPredictions(page, { limit: 1, url: 'http://10.0.0.5:8000' });
    expect(remote).toContain(id);
    expect(remote).toContain('Older predictions: hap ml-metrics predictions assist_intent --limit 1 --cursor 9 --url http://10.0.0.5:8000');
    expect(renderPredictions(page, { limit: 1, dataDir: '/srv/my data' })).toContain("--cursor 9 --data-dir '/srv/my data'");
  });

  it('prints no hint on the last page, and says when there is nothing', () => {
    const text = renderPredictions({ model_name: 'living room', predictions: [], next_cursor: null }, { limit: 50 });
    expect(text).toBe('No predictions of living room here.');
  });
});

describe('renderTraining', () => {
  it('shows sessions newest first', () => {
    const session = (id: string, timestamp: string) =>
      TrainingLogSchema.parse({ ...SEED_TRAINING, training_session_id: id, model_version: '1.0', timestamp });
    const text = renderTraining('voice_recognition', [
      session('train_old', '2024-01-14T10:00:00Z'),
      session('train_new', '2024-01-15T10:00:00Z'),
    ]);
    const lines = text.split('\n');
    expect(lines[2]).toContain('train_new');
    expect(lines[3]).toContain('train_old');
    expect(lines[2]).toMatch(/1000\s+200\s+92\.0%\s+88\.0%\s+0\.150\s+0\.220\s+20m 51s\s+learning_rate=0\.001 batch_size=32 epoch…$/);
    expect(renderTraining('x', [])).toBe('No training sessions logged for x.');
  });
});

describe('renderComparison', () => {
  const metrics = (version: string, accuracy: number, labeled: number): ModelPerformance =>
    ModelPerformanceSchema.parse({
      model_name: 'voice_recognition',
      model_version: version,
      accuracy,
      precision: accuracy,
      recall: accuracy,
      f1_score: accuracy,
      confidence: 0.9,
      confidence_count: labeled,
      total_predictions: labeled,
      labeled_predictions: labeled,
      correct_predictions: Math.round(accuracy * labeled),
      incorrect_predictions: labeled - Math.round(accuracy * labeled),
      last_evaluated: '2024-01-15T10:30:00Z',
      task: 'multiclass',
      positive_label: null,
      accuracy_interval: null,
      false_positive_rate: null,
      acceptance_rate: null,
      micro: null,
      macro: null,
      weighted: null,
      per_class: [],
      confusion_matrix: { labels: [], matrix: [], unknown_truth: [] },
      window: { kind: 'all', spec: 'all', since: null, until: null },
      targets: {},
      versions: ['1.0', '1.1'],
      user_satisfaction: null,
      command_understanding_rate: null,
    });

  it('shows both versions, signed deltas, the winner, its reason and the test, and says when it was not stored', () => {
    let comparison: unknown;
    const text = renderComparison(
      ModelComparisonSchema.parse(comparison = {
        comparison_id: 'cmp-1',
        model_name: 'voice_recognition',
        version_a: '1.0',
        version_b: '1.1',
        metrics_a: metrics('1.0', 0.8, 200),
        metrics_b: metrics('1.1', 0.9, 180),
        deltas: { accuracy: 0.1, precision: 0.1, recall: 0.1, f1_score: 0.1, confidence: 0 },
        winner: '1.1',
        reason: '1.1 is more accurate (p = 0.004 < 0.05)',
        test: { method: 'two_proportion_z', statistic: 2.87, p_value: 0.0041, alpha: 0.05, paired_samples: 0 },
        min_samples: 30,
        required_sample_size: 199,
        created_at: '2024-01-15T10:30:00Z',
      }),
    );
    expect(text).toMatch(/^metric\s+1\.0\s+1\.1\s+1\.1 − 1\.0$/m);
    expect(lineStarting(text, 'accuracy')).toMatch(/80\.0%\s+90\.0%\s+\+10\.0 pts$/);
    expect(lineStarting(text, 'confidence')).toMatch(/±0\.0 pts$/);
    expect(lineStarting(text, 'labeled')).toMatch(/200\s+180\s+-20$/);
    expect(text).toContain('winner: 1.1');
    expect(text).toContain('reason: 1.1 is more accurate');
    expect(text).toContain('test: two-proportion z-test, p = 0.004 (alpha 0.05, statistic 2.870)');
    expect(text).toContain('needed to detect this difference: 199');
    expect(text).not.toContain('Not stored');
    expect(renderComparison(ModelComparisonSchema.parse(comparison), { stored: false })).toContain('Not stored: read directly from the data directory');
  });
});
