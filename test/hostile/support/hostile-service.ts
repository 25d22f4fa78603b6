import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiServer, type ApiServer } from '../../../src/api/create-api-server.js';
import { createLogger } from '../../../src/logging/logger.js';
import { openTracker } from '../../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../../src/tracker/model-performance-tracker.js';

/** Small segments, and the seed's models with their label keys. */
export const HOSTILE_CONFIG = {
  schema_version: 1,
  storage: { segment_max_records: 10 },
  models: {
    voice_recognition: { label_key: 'user_id' },
    intent_processing: { label_key: 'intent' },
    suggestion_engine: { label_key: 'accepted', task: 'binary', positive_label: true },
  },
};

/** The tracker's clock: fixed, so metrics (and their `last_evaluated`) are the same on every read. */
export const NOW = new Date('2024-01-15T12:00:00.000Z');
export const fixedClock = (): Date => NOW;

/** Models in the seeded store, hostile-but-valid names included. */
export const SEEDED_MODELS = ['voice_recognition', 'suggestion_engine', 'toString', 'constructor', '模型 Ωμέγα', 'مرحبا:v'] as const;
export const SEEDED_VERSIONS = ['1.0', '1.1'] as const;
/** Ids of seeded predictions, path-like ones included. */
export const SEEDED_IDS = ['p-0', 'p-1', 'p-2', '../x', '..%2F..%2Fetc', '%00', '__proto__', 'constructor'] as const;

/**
 * Writes a store a hostile test can poke at: two versions of voice_recognition (most labeled), a
 * binary model, models named like Object.prototype members and in other scripts, predictions
 * with path-like ids, a training session and a comparison.
 */
export async function seedStore(tracker: ModelPerformanceTracker): Promise<void> {
  const minutes = (n: number): string => new Date(NOW.getTime() - n * 60_000).toISOString();
  let n = 0;
  for (const version of SEEDED_VERSIONS) {
    for (let sample = 0; sample < 18; sample += 1) {
      const user = sample % 3;
      const predicted = (sample + (version === '1.0' ? sample % 4 : 0)) % 3;
      await tracker.logPrediction({
        prediction_id: `p-${n}`,
        model_name: 'voice_recognition',
        model_version: version,
        input_data: { sample },
        prediction: { user_id: predicted },
        confidence: 0.5 + (sample % 5) / 10,
        ...(sample % 6 === 5 ? {} : { ground_truth: { user_id: user } }),
        timestamp: minutes(600 - n),
      });
      n += 1;
    }
  }
  for (const [index, id] of SEEDED_IDS.slice(3).entries()) {
    await tracker.logPrediction({ prediction_id: id, model_name: 'suggestion_engine', prediction: { accepted: index % 2 === 0 }, confidence: 0.7, timestamp: minutes(100 - index) });
  }
  for (const name of SEEDED_MODELS.slice(2)) {
    await tracker.logPrediction({ model_name: name, prediction: { label: 'a' }, confidence: 0.6, ground_truth: { label: 'a' }, timestamp: minutes(50) });
    await tracker.logPrediction({ model_name: name, model_version: '1.1', prediction: { label: 'b' }, confidence: 0.4, timestamp: minutes(40) });
  }
  await tracker.logTraining({ model_name: 'voice_recognition', training_session_id: 'train-1', training_samples: 100, training_accuracy: 0.9 });
  await tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '1.1' });
}

export interface HostileService {
  /** A temp directory of our own; it must only ever hold `data`. */
  root: string;
  dataDir: string;
  /** Replaced when a test restarts the service. */
  tracker: ModelPerformanceTracker;
  url: string;
  server: ApiServer;
  stop(): Promise<void>;
}

/** A seeded store under a fresh temp root, and the REST API over it on a free port. */
export async function startHostileService(prefix: string): Promise<HostileService> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir);
  const tracker = await openTracker({ dataDir, config: HOSTILE_CONFIG, now: fixedClock });
  await seedStore(tracker);
  const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576 });
  const { url } = await server.start();
  const service: HostileService = {
    root,
    dataDir,
    tracker,
    url,
    server,
    stop: async () => {
      await service.server.stop();
      await service.tracker.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return service;
}
