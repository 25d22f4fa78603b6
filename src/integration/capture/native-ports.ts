import type { ModelPerformanceTracker } from '../../tracker/model-performance-tracker.js';
import type { Logger } from '../../logging/logger.js';
import type { NativeHub } from './native-hub.js';
import type { StateChangeWatch } from './state-change-watch.js';

/** What native capture needs from the tracker. */
export type NativeTracker = Pick<ModelPerformanceTracker, 'logPrediction' | 'recordGroundTruth' | 'getPrediction'>;

/** What a native source that reads state changes is built with (its settings: the part of `hub.capture.native` it uses). */
export interface NativeSourceOptions<Settings> {
  hub: NativeHub;
  tracker: NativeTracker;
  watch: StateChangeWatch;
  systemUsers: { readonly ids: ReadonlySet<string> };
  settings: Settings;
  logger: Logger;
  now: () => Date;
}
