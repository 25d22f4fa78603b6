import type { Drift } from '../domain/drift.js';
import type { Logger } from '../logging/logger.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { DriftAnnounced } from './drift-alarm.js';
import { DRIFT_EVENT, driftAnnouncements, driftSensorState } from './drift-alarm.js';
import type { HubPort } from './hub-port.js';
import { assignSlugs } from './model-slug.js';
import type { SensorsStateStore } from './sensor-publisher.js';
import { RepeatedFailures } from './repeated-failures.js';
import { KeyedDebounce } from './keyed-debounce.js';
import { SerialJobs } from './serial-jobs.js';

/** What the drift publisher reads from the tracker. */
export type DriftTracker = Pick<ModelPerformanceTracker, 'getDrift' | 'modelNames' | 'onChange'>;

/** Quiet time after a stored prediction or label before its model's drift is evaluated again, and the longest wait in a burst. */
export const DRIFT_DEBOUNCE_MS = 10_000;
export const DRIFT_MAX_WAIT_MS = 60_000;

export interface DriftPublisherOptions {
  tracker: DriftTracker;
  hub: HubPort;
  logger: Logger;
  /** `sensors-state.json`, shared with the SensorPublisher: the last announced change point per model is kept under `drift`. */
  stateStore: SensorsStateStore;
  /** The configured models (their slugs are assigned over the same names as the other sensors'). */
  configuredModels?: readonly string[];
  /** Overrides of DRIFT_DEBOUNCE_MS and DRIFT_MAX_WAIT_MS (tests). */
  debounceMs?: number;
  maxWaitMs?: number;
}


type FailureKind = 'evaluate' | 'post_state' | 'fire_event' | 'save_state';

const FAILURE_TEXT: Record<FailureKind, string> = {
  evaluate: 'could not compute drift for the drift sensors',
  post_state: 'could not post a drift sensor to the hub',
  fire_event: 'could not fire a drift event on the hub',
  save_state: 'could not save which drifts were announced',
};

/**
 * `binary_sensor.ml_<model>_drifting` and the `ml_metrics_drift_detected` event, per model: the
 * default drift answer (the sensors' window against the one before it) of its default version.
 * Evaluated when the hub (re)connects, on `hub.sensors.reevaluate_cron`, and for a model 10 s after
 * its last stored prediction or label (at most 60 s into a burst) — it reads the raw records of two
 * windows, too much to redo on every prediction. Each drop is announced once, also
 * across restarts (the last announced change point is kept in `sensors-state.json`). Runs one
 * evaluation at a time; failures are logged (warn once in a row, then debug) and retried next time.
 */
export class DriftPublisher {
  readonly #tracker: DriftTracker;
  readonly #hub: HubPort;
  readonly #logger: Logger;
  readonly #stateStore: SensorsStateStore;
  readonly #configuredModels: readonly string[];
  /** entity_id → JSON of what the hub accepted last. */
  readonly #posted = new Map<string, string>();
  readonly #failures: RepeatedFailures<FailureKind>;
  readonly #debounce: KeyedDebounce;
  #unsubscribe: (() => void) | null = null;
  /** Evaluations one at a time; one asked for after stop() does nothing. */
  readonly #jobs: SerialJobs;
  #stopped = false;

  constructor(options: DriftPublisherOptions) {
    this.#tracker = options.tracker;
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.#jobs = new SerialJobs(this.#logger, 'drift evaluation failed', () => this.#stopped);
    this.#failures = new RepeatedFailures(this.#logger, FAILURE_TEXT, 'drift ');
    this.#stateStore = options.stateStore;
    this.#configuredModels = options.configuredModels ?? [];
    this.#debounce = new KeyedDebounce(options.debounceMs ?? DRIFT_DEBOUNCE_MS, options.maxWaitMs ?? DRIFT_MAX_WAIT_MS);
  }

  /** Listens for stored predictions and labels (each schedules its model's evaluation). */
  start(): void {
    if (this.#stopped) throw new Error('this DriftPublisher was stopped; create a new one');
    this.#unsubscribe ??= this.#tracker.onChange((change) => this.#changed(change.model_name));
  }

  /** Evaluates every model: posts what changed, announces new drops. Never rejects. */
  evaluateAll(): Promise<void> {
    return this.#jobs.run(() => this.#evaluateAll());
  }

  /** Forgets what was posted and posts everything again (after the hub (re)connects). Never rejects. */
  republishAll(): Promise<void> {
    return this.#jobs.run(async () => {
      this.#posted.clear();
      await this.#evaluateAll();
    });
  }

  /** Stops listening and the pending timers; waits for the evaluation in flight (later ones do nothing). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#debounce.cancel();
    await this.#jobs.idle();
  }

  #changed(model: string): void {
    if (this.#stopped) return;
    this.#debounce.trigger(model, () => void this.#jobs.run(() => this.#evaluate(model)));
  }

  async #evaluateAll(): Promise<void> {
    await this.#evaluate(null);
  }

  /** Evaluates one model (`only`) or every model with data. */
  async #evaluate(only: string | null): Promise<void> {
    let withData: string[];
    try {
      withData = this.#tracker.modelNames();
    } catch (error) {
      this.#failures.failed('evaluate', error);
      return;
    }
    const { slugs } = assignSlugs([...new Set([...withData, ...this.#configuredModels])].sort());
    for (const name of only === null ? withData : withData.filter((model) => model === only)) {
      if (this.#stopped) return;
      let drift: Drift;
      try {
        drift = await this.#tracker.getDrift(name);
        this.#failures.succeeded('evaluate');
      } catch (error) {
        this.#failures.failed('evaluate', error, { model_name: name });
        continue;
      }
      await this.#post(driftSensorState(drift, slugs.get(name) ?? name));
      await this.#announce(drift);
    }
  }

  async #post(sensor: ReturnType<typeof driftSensorState>): Promise<void> {
    const key = JSON.stringify([sensor.state, sensor.attributes]);
    if (this.#posted.get(sensor.entity_id) === key) return;
    try {
      await this.#hub.postState(sensor.entity_id, sensor.state, sensor.attributes);
    } catch (error) {
      this.#failures.failed('post_state', error, { entity_id: sensor.entity_id });
      return;
    }
    this.#posted.set(sensor.entity_id, key);
    this.#failures.succeeded('post_state');
  }

  /** Fires the new drops in order; stops at the first the hub refuses (retried next time) and keeps what was accepted. */
  async #announce(drift: Drift): Promise<void> {
    const name = drift.model_name;
    const previous: DriftAnnounced | undefined = this.#stateStore.document.drift[name];
    const { events } = driftAnnouncements(drift, previous);
    let accepted: DriftAnnounced | undefined;
    for (const data of events) {
      try {
        await this.#hub.fireEvent(DRIFT_EVENT, { ...data });
      } catch (error) {
        this.#failures.failed('fire_event', error, { model_name: name });
        break;
      }
      this.#failures.succeeded('fire_event');
      this.#logger.info('drift detected', { ...data });
      accepted = { model_version: data.model_version, timestamp: data.timestamp };
    }
    if (!accepted) return;
    const announced = accepted;
    try {
      await this.#stateStore.update((document) => ({ ...document, drift: { ...document.drift, [name]: announced } }));
      this.#failures.succeeded('save_state');
    } catch (error) {
      this.#failures.failed('save_state', error, { model_name: name });
    }
  }
}
