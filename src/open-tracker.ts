import { ConfigSchema } from './config/config-schema.js';
import { ModelComparisonSchema } from './domain/comparison.js';
import { TrainingLogSchema } from './domain/training.js';
import { VersionRegistrationSchema } from './domain/versions.js';
import type { Logger } from './logging/logger.js';
import { silentLogger } from './logging/logger.js';
import type { FileSystem } from './storage/file-system.js';
import { JsonLogStore } from './storage/json-log-store.js';
import { PredictionStore } from './storage/prediction-store.js';
import { LabelResolver } from './tracker/label-resolver.js';
import { ModelPerformanceTracker } from './tracker/model-performance-tracker.js';
import { VersionRegistry } from './tracker/version-registry.js';

export interface OpenTrackerOptions {
  dataDir: string;
  /** The whole configuration, parsed with ConfigSchema; defaults when omitted. */
  config?: unknown;
  logger?: Logger;
  now?: () => Date;
  /** Reads only: no lock, no writes (the CLI reading a store a service may be writing). */
  readOnly?: boolean;
  fs?: FileSystem;
  /** Keep the figures of recent performance answers while their data is unchanged (default true). */
  keepAnswers?: boolean;
}

/**
 * Builds a tracker and everything it stands on: the prediction store (with the configuration's
 * storage part), the training and comparison logs, the versions registry, and the label resolver of the configured
 * models. The service's composition root (app.ts), the CLI and library users all open it here.
 */
export async function openTracker(options: OpenTrackerOptions): Promise<ModelPerformanceTracker> {
  const config = ConfigSchema.parse(options.config ?? { schema_version: 1 });
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  const files = { dataDir: options.dataDir, ...(options.fs ? { fs: options.fs } : {}), ...(readOnly ? { readOnly } : {}) };
  const labels = new LabelResolver(config.models);
  const store = await PredictionStore.open({
    ...files,
    storage: config.storage,
    contribute: labels.contribute,
    labelFingerprint: labels.fingerprint,
    logger: logger.child('storage'),
    now,
  });
  try {
    const training = await JsonLogStore.open({ ...files, fileName: 'training.json', kind: 'training-log', entry: TrainingLogSchema });
    const comparisons = await JsonLogStore.open({ ...files, fileName: 'comparisons.json', kind: 'comparison-log', entry: ModelComparisonSchema });
    const versions = await JsonLogStore.open({ ...files, fileName: 'versions.json', kind: 'version-registry', entry: VersionRegistrationSchema });
    const registry = new VersionRegistry(versions, logger.child('versions'));
    const trackerConfig = { models: config.models, comparison: config.comparison, default_window: config.default_window };
    const tracker = new ModelPerformanceTracker({ config: trackerConfig, store, training, comparisons, registry, labels, now, logger, dataDir: options.dataDir, readOnly, driftWindow: config.hub.sensors.window, ...(options.keepAnswers === undefined ? {} : { keepAnswers: options.keepAnswers }) });
    await tracker.registerStoredVersions();
    return tracker;
  } catch (error) {
    await store.close();
    throw error;
  }
}
