import type { ModelPerformanceTracker } from '../../tracker/model-performance-tracker.js';
import type { Logger } from '../../logging/logger.js';
import type { HubEvent } from '../hub-schemas.js';
import type { StateChangeWatch } from './state-change-watch.js';

/** What native capture needs from the hub: commands, event subscriptions, and a word when it (re)connects. */
export interface NativeHub {
  /** One websocket command; resolves with its result; rejects with HubCommandError when Home Assistant answers an error. */
  command(message: { type: string } & Record<string, unknown>): Promise<unknown>;
  subscribeEvents(eventTypes: readonly string[], handler: (event: HubEvent) => void | Promise<void>): Promise<() => Promise<void>>;
  onReady(listener: () => void | Promise<void>): () => void;
}

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
