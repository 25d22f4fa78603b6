import { beforeEach, describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../../src/domain/experiments.js';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { recordingLogger } from '../support/recording-logger.js';
import { seededRandom } from '../support/seeded-random.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('experiments-');
const START = Date.parse('2024-05-01T00:00:00.000Z');
let clock = START;
const now = () => new Date(clock);
beforeEach(() => {
  clock = START;
});

const CONFIG = {
  schema_version: 1,
  models: {
    voice_recognition: { label_key: 'user_id' },
    suggestion_engine: { label_key: 'accepted', task: 'binary', positive_label: true },
  },
};

async function open(): Promise<{ tracker: ModelPerformanceTracker; experiments: Experiments }> {
  const tracker = await harness.open({ config: CONFIG, now });
  const experiments = await Experiments.open({ dataDir: harness.dir.path, tracker, logger: recordingLogger(), now });
  return { tracker, experiments };
}

/** n labeled voice predictions per version after `from`, one a minute, alternating; correct with the version's probability. */
async function feed(tracker: ModelPerformanceTracker, rates: Record<string, number>, n: number, from: number, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const versions = Object.keys(rates);
  for (let i = 0; i < n * versions.length; i += 1) {
    const version = versions[i % versions.length]!;
    const user = (i % 3) + 1;
    clock = Math.max(clock, from + i * 60_000);
    await tracker.logPrediction({
      model_name: 'voice_recognition',
      model_version: version,
      prediction: { user_id: random() < rates[version]! ? user : user + 10 },
      confidence: 0.8,
      ground_truth: { user_id: user },
      timestamp: new Date(from + i * 60_000).toISOString(),
    });
  }
}

const INPUT = { name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '2.0', min_detectable_effect: 0.1 };

describe('Experiments', () => {
  it('creates a running experiment that counts only predictions made after it started, and decides for the better version', async () => {
    const { tracker, experiments } = await open();
    await feed(tracker, { '1.0': 0.2, '2.0': 0.9 }, 50, START - 200 * 60_000, 1); // before: not counted
    clock = START;
    const created = await experiments.create(INPUT);
    expect(created).toMatchObject({ status: 'running', slug: 'voice_v2', metric_name: 'accuracy', allocation: 0.5, alpha: 0.05, samples: { a: 0, b: 0 }, decision: 'continue', winner: null });
    expect(created.experiment_id).toMatch(/^exp-[0-9a-f]{8}$/);
    expect(created.reason).toMatch(/waiting for observations: 30 more for 1\.0 and 30 more for 2\.0/);

    const decided: ExperimentReport[] = [];
    experiments.onDecided((report) => decided.push(report));
    await feed(tracker, { '1.0': 0.7, '2.0': 0.92 }, 300, START + 60_000, 2);
    clock = START + 1000 * 60_000;
    const report = await experiments.get(created.experiment_id);
    expect(report).toMatchObject({ status: 'decided', winner: '2.0', decision: 'stop' });
    expect(report.p_value).toBeLessThanOrEqual(0.05);
    expect(report.reason).toMatch(/^2\.0 is better: accuracy/);
    // It stopped counting at the decision: ended_at is the deciding prediction's time.
    expect(report.samples.a + report.samples.b).toBeLessThan(600);
    expect(Date.parse(report.ended_at!)).toBeLessThan(START + 601 * 60_000);
    expect(report.metric.delta).toBeGreaterThan(0);
    expect(report.metric.interval![0]).toBeGreaterThan(0);
    expect(decided.map((entry) => entry.experiment_id)).toEqual([created.experiment_id]);

    // Later predictions change nothing; the decision is announced once.
    await feed(tracker, { '1.0': 1, '2.0': 0 }, 50, START + 700 * 60_000, 3);
    expect(await experiments.get(created.experiment_id)).toEqual({ ...report, evaluated_at: now().toISOString() });
    expect(await experiments.evaluateRunning()).toEqual([]);
    expect(decided).toHaveLength(1);
  });

  it('keeps experiments and decisions across a restart', async () => {
    let { tracker, experiments } = await open();
    clock = START;
    const created = await experiments.create(INPUT);
    await feed(tracker, { '1.0': 0.6, '2.0': 0.95 }, 200, START + 60_000, 4);
    const [decided] = await experiments.evaluateRunning();
    expect(decided?.winner).toBe('2.0');
    await experiments.flush();
    await harness.close(tracker);

    ({ tracker, experiments } = await open());
    const again = await experiments.get(created.experiment_id);
    expect(again).toMatchObject({ status: 'decided', winner: '2.0', ended_at: decided!.ended_at, decision_announced: false });
    expect(experiments.unannounced().map((entry) => entry.experiment_id)).toEqual([created.experiment_id]);
    await experiments.markAnnounced(created.experiment_id);
    expect(experiments.unannounced()).toEqual([]);
  });

  it('stops a running experiment (then 409), and answers 404 for an unknown id', async () => {
    const { experiments } = await open();
    clock = START;
    const created = await experiments.create(INPUT);
    clock = START + 5 * 60_000;
    const stopped = await experiments.stop(created.experiment_id);
    expect(stopped).toMatchObject({ status: 'stopped', ended_at: new Date(clock).toISOString(), decision: 'stop', winner: null });
    expect(stopped.reason).toMatch(/^stopped before a decision/);
    await expect(experiments.stop(created.experiment_id)).rejects.toThrow(ConflictError);
    await expect(experiments.get('exp-ffffffff')).rejects.toThrow(NotFoundError);
    expect(() => experiments.assign('exp-ffffffff', { unit: 'x' })).toThrow(NotFoundError);
    expect(experiments.assign(created.experiment_id, { unit: 'kitchen' })).toEqual({ experiment_id: created.experiment_id, unit: 'kitchen', version: '1.0', status: 'stopped' });
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const { tracker, experiments } = await open();
    await feed(tracker, { '1.0': 0.5 }, 3, START - 60 * 60_000, 5);
    const issues = async (input: unknown) => {
      const error = await experiments.create(input).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).issues.map((issue) => issue.path);
    };
    expect(await issues({ ...INPUT, version_b: '1.0' })).toEqual(['version_b']);
    expect(await issues({ ...INPUT, metric: 'f1_score' })).toEqual(['metric']);
    expect(await issues({ ...INPUT, allocation: 1 })).toEqual(['allocation']);
    expect(await issues({ ...INPUT, alpha: 0 })).toEqual(['alpha']);
    expect(await issues({ ...INPUT, colour: 'red' })).toEqual(['colour']);
    // precision needs a binary model; voice_recognition is multiclass.
    expect(await issues({ ...INPUT, metric: 'precision' })).toEqual(['metric']);
    await experiments.create(INPUT);
    await expect(experiments.create({ ...INPUT, version_b: '3.0' })).rejects.toThrow(ConflictError);
    expect((await experiments.list()).map((report) => report.name)).toEqual(['Voice v2']);
  });

  it("tests a binary model's precision from its labeled positive predictions", async () => {
    const { tracker, experiments } = await open();
    clock = START;
    await tracker.logPrediction({ model_name: 'suggestion_engine', model_version: '1.0', prediction: { accepted: true }, ground_truth: { accepted: true }, timestamp: new Date(START - 60_000).toISOString() });
    const created = await experiments.create({ ...INPUT, name: 'Suggestions', model_name: 'suggestion_engine', metric: 'precision', min_samples: 10 });
    const random = seededRandom(9);
    for (let i = 0; i < 200; i += 1) {
      const version = i % 2 === 0 ? '1.0' : '2.0';
      const predictedYes = random() < 0.5;
      const acceptedIfYes = random() < (version === '1.0' ? 0.5 : 0.95);
      clock = START + (i + 1) * 60_000;
      await tracker.logPrediction({
        model_name: 'suggestion_engine',
        model_version: version,
        prediction: { accepted: predictedYes },
        ground_truth: { accepted: predictedYes ? acceptedIfYes : false },
        timestamp: new Date(START + (i + 1) * 60_000).toISOString(),
      });
    }
    const report = await experiments.get(created.experiment_id);
    // Only predictions of "accepted: true" count toward precision.
    expect(report.samples.a + report.samples.b).toBeLessThan(200);
    expect(report).toMatchObject({ status: 'decided', winner: '2.0' });
  });

  it('refuses writes when opened read-only (the CLI beside a service)', async () => {
    const { tracker } = await open();
    const readOnly = await Experiments.open({ dataDir: harness.dir.path, tracker, logger: recordingLogger(), now, readOnly: true });
    await expect(readOnly.create(INPUT)).rejects.toThrow(StorageUnavailableError);
  });
});
