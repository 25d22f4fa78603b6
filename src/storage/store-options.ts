import type { PredictionLog } from '../domain/prediction.js';
import type { Logger } from '../logging/logger.js';
import type { FileSystem } from './file-system.js';
import type { StorageConfig } from './storage-config.js';
import type { Contribute } from './summarize-segment.js';

export interface PredictionStoreOptions {
  dataDir: string;
  storage: StorageConfig;
  /** What a record adds to the aggregates (depends on the models' label keys). */
  contribute: Contribute;
  /** Changes when the label keys change; stored summaries computed otherwise are rebuilt. */
  labelFingerprint: string;
  logger: Logger;
  now: () => Date;
  fs?: FileSystem;
  /** Reads only: takes no lock, repairs nothing, writes nothing (the CLI). */
  readOnly?: boolean;
}

/** A label to set on a stored record: returns the new record. */
export type Relabel = (record: PredictionLog) => PredictionLog;
