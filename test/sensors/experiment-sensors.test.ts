import { beforeEach, describe, expect, it } from 'vitest';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { EXPERIMENT_DECIDED_EVENT, ExperimentSensors } from '../../src/sensors/experiment-sensors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { RecordingHubPort } from '../support/recording-hub-port.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('experiment-sensors-');
const START = Date.parse('2024-05-01T00:00:00.000Z');
let clock = START;
const now = () => new Date(clock);
beforeEach(() => {
  clock = START;
});

async function open(): Promise<{ tracker: ModelPerformanceTracker; experiments: Experiments }> {
  const tracker = await harness.open({ config: { schema_version: 1, models: { voice_recognition: { label_key: 'user_id' } } }, now });
  const experiments = await Experiments.open({ dataDir: harness.dir.path, tracker, logger: recordingLogger(), now });
  return { tracker, experiments };
}

/** 100 labeled predictions per version, alternating: 1.0 right half the time, 2.0 always. */
async function feedClearDifference(tracker: ModelPerformanceTracker): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    clock = START + (i + 1) * 60_000;
    const version = i % 2 === 0 ? '1.0' : '2.0';
    const right = version === '2.0' || i % 4 === 0;
    await tracker.logPrediction({ model_name: 'voice_recognition', model_version: version, prediction: { user_id: right ? 1 : 2 }, ground_truth: { user_id: 1 }, timestamp: new Date(clock).toISOString() });
  }
}

describe('ExperimentSensors', () => {
  it('posts sensor.ml_experiment_<slug> with the figures, only when it changed', async () => {
    const { experiments } = await open();
    const created = await experiments.create({ name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '2.0' });
    const hub = new RecordingHubPort();
    const sensors = new ExperimentSensors({ experiments, hub, logger: recordingLogger() });
    await sensors.publish();
    expect(hub.latest('sensor.ml_experiment_voice_v2')).toMatchObject({
      state: 'running',
      attributes: { experiment_id: created.experiment_id, version_a: '1.0', version_b: '2.0', metric: 'accuracy', samples_a: 0, winner: null, decision: 'continue' },
    });
    await sensors.publish();
    expect(hub.posts).toHaveLength(1);
    await sensors.publish({ force: true });
    expect(hub.posts).toHaveLength(2);
  });

  it('fires ml_metrics_experiment_decided once per decision, again after a failure, and not after a restart', async () => {
    let { tracker, experiments } = await open();
    const created = await experiments.create({ name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '2.0', min_detectable_effect: 0.1 });
    await feedClearDifference(tracker);
    const hub = new RecordingHubPort();
    hub.failEvents = true;
    const logger = recordingLogger();
    let sensors = new ExperimentSensors({ experiments, hub, logger });
    await sensors.publish();
    expect(hub.latest('sensor.ml_experiment_voice_v2')).toMatchObject({ state: 'decided', attributes: { winner: '2.0', decision: 'stop' } });
    expect(hub.events).toEqual([]);
    expect(logger.entries.map((entry) => entry.message)).toContain('could not announce an experiment decision; it is announced again at the next evaluation');

    hub.failEvents = false;
    await sensors.publish();
    expect(hub.events).toEqual([
      { eventType: EXPERIMENT_DECIDED_EVENT, data: expect.objectContaining({ experiment_id: created.experiment_id, name: 'Voice v2', winner: '2.0', metric: 'accuracy', version_a: '1.0', version_b: '2.0' }) },
    ]);
    await sensors.publish({ force: true });
    expect(hub.events).toHaveLength(1);

    await experiments.flush();
    await harness.close(tracker);
    ({ tracker, experiments } = await open());
    sensors = new ExperimentSensors({ experiments, hub, logger });
    await sensors.publish({ force: true });
    expect(hub.events).toHaveLength(1);
  });
});
