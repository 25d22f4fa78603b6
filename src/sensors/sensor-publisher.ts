import { z } from 'zod';
import type { TargetMetric } from '../domain/target-metric.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { Logger } from '../logging/logger.js';
import type { FileSystem } from '../storage/file-system.js';
import { JsonDocumentStore } from '../storage/json-document-store.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { AlertState } from './drop-detector.js';
import { AlertStateSchema, baselineRange, detectDrops } from './drop-detector.js';
import { DriftAnnouncedSchema } from './drift-alarm.js';
import type { HubPort } from './hub-port.js';
import { assignSlugs } from './model-slug.js';
import type { SensorState } from './sensor-state.js';
import { TARGET_METRICS, buildSensorStates, pendingSensorStates } from './sensor-states.js';
import type { SensorsConfig } from './sensors-config.js';
import { DEBOUNCE_MAX_WAIT_MS } from './sensors-config.js';
import { RepeatedFailures } from './repeated-failures.js';
import { KeyedDebounce } from './keyed-debounce.js';
import { SerialJobs } from './serial-jobs.js';

/** What the publisher reads from the tracker. */
export type SensorsTracker = Pick<ModelPerformanceTracker, 'getPerformance' | 'modelNames' | 'onChange'>;

/** `sensors-state.json`: per model, the drops announced and not yet recovered, and the last drift announced (DriftPublisher). */
export const SensorsStateSchema = z.object({
  alerts: z.record(z.string(), AlertStateSchema),
  drift: z.record(z.string(), DriftAnnouncedSchema).default({}),
});
export type SensorsState = z.infer<typeof SensorsStateSchema>;

export const SENSORS_STATE_FILE = 'sensors-state.json';

/** Where the publisher keeps its alert states (a JsonDocumentStore in the data dir). */
export type SensorsStateStore = Pick<JsonDocumentStore<SensorsState>, 'document' | 'update'>;

/** Opens (or creates) `sensors-state.json` in the data dir. */
export function openSensorsStateStore(options: { dataDir: string; fs?: FileSystem }): Promise<JsonDocumentStore<SensorsState>> {
  return JsonDocumentStore.open({
    dataDir: options.dataDir,
    fileName: SENSORS_STATE_FILE,
    kind: 'sensors-state',
    schema: SensorsStateSchema,
    initial: { alerts: {}, drift: {} },
    ...(options.fs ? { fs: options.fs } : {}),
  });
}

export interface SensorPublisherOptions {
  tracker: SensorsTracker;
  hub: HubPort;
  logger: Logger;
  config: SensorsConfig;
  stateStore: SensorsStateStore;
  /** The models in the configuration: their sensors are published (`unknown`) before their first prediction. */
  configuredModels?: readonly string[];
}

type FailureKind = 'evaluate' | 'post_state' | 'fire_event' | 'save_state';

const FAILURE_TEXT: Record<FailureKind, string> = {
  evaluate: 'could not compute model performance for the sensors',
  post_state: 'could not post sensor states to the hub',
  fire_event: 'could not fire a performance event on the hub',
  save_state: 'could not save the sensors alert state',
};


/** The comparison key of a posted state: state and attributes, except `last_evaluated`. */
function fingerprint(sensor: SensorState): string {
  const { last_evaluated: _ignored, ...attributes } = sensor.attributes;
  return JSON.stringify([sensor.state, attributes]);
}

function targetsOf(performance: ModelPerformance): Partial<Record<TargetMetric, number>> {
  const targets: Partial<Record<TargetMetric, number>> = {};
  for (const metric of TARGET_METRICS) {
    const target = performance.targets[metric];
    if (target !== undefined) targets[metric] = target;
  }
  return targets;
}

function sameAlerts(a: AlertState, b: AlertState): boolean {
  return JSON.stringify(TARGET_METRICS.map((metric) => a[metric] ?? null)) === JSON.stringify(TARGET_METRICS.map((metric) => b[metric] ?? null));
}

/**
 * Publishes each model's performance as hub sensors and announces drops and recoveries.
 *
 * A stored prediction or label schedules its model's evaluation (debounced per model, at most
 * 5 s after the first change of a burst); the composition root schedules `evaluateAll()`, since
 * windows age without new events. A state equal to the one last posted (ignoring `last_evaluated`) is not
 * posted again. Evaluations run one at a time. Hub failures are logged once per kind and retried on
 * the next evaluation; nothing here throws into the caller's event loop.
 */
export class SensorPublisher {
  readonly #tracker: SensorsTracker;
  readonly #hub: HubPort;
  readonly #logger: Logger;
  readonly #config: SensorsConfig;
  readonly #stateStore: SensorsStateStore;
  /** entity_id → fingerprint of what the hub accepted last. */
  readonly #posted = new Map<string, string>();
  readonly #debounce: KeyedDebounce;
  readonly #failures: RepeatedFailures<FailureKind>;
  readonly #warnedSlugs = new Set<string>();
  readonly #configuredModels: readonly string[];
  /** Models whose entities the hub has accepted at least once (from this process). */
  readonly #shown = new Set<string>();
  /** Models with predictions when the publisher was created: the hub may already show their numbers, which are never replaced by `unknown`. */
  readonly #hadData = new Set<string>();
  /** Evaluations one at a time; one asked for after stop() does nothing. */
  readonly #jobs: SerialJobs;
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(options: SensorPublisherOptions) {
    this.#tracker = options.tracker;
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.#jobs = new SerialJobs(this.#logger, 'sensor evaluation failed', () => this.#stopped);
    this.#failures = new RepeatedFailures(this.#logger, FAILURE_TEXT);
    this.#debounce = new KeyedDebounce(options.config.debounce_ms, DEBOUNCE_MAX_WAIT_MS);
    this.#config = options.config;
    this.#stateStore = options.stateStore;
    this.#configuredModels = options.configuredModels ?? [];
    for (const model of this.#tracker.modelNames()) this.#hadData.add(model);
  }

  /** Listens for tracker changes. The first posting is `republishAll()`'s (the hub calls it on connect). */
  start(): void {
    if (this.#stopped) throw new Error('this SensorPublisher was stopped; create a new one');
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#tracker.onChange((change) => this.#changed(change.model_name));
    this.#logger.debug('sensors started', { window: this.#config.window });
  }

  /** Stops listening and pending debounce timers; waits for the evaluation in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#debounce.cancel();
    await this.#jobs.idle();
    this.#logger.debug('sensors stopped');
  }

  /** Re-evaluates every model; posts what changed, announces drops and recoveries. Never rejects. */
  evaluateAll(): Promise<void> {
    return this.#jobs.run(() => this.#evaluateModels(null));
  }

  /** Forgets what was posted and posts every model's sensors again (after the hub (re)connects). Never rejects. */
  republishAll(): Promise<void> {
    return this.#jobs.run(async () => {
      this.#posted.clear();
      await this.#evaluateModels(null);
    });
  }

  #changed(model: string): void {
    if (this.#stopped) return;
    // A new model's entities appear (unknown) at once, before its first evaluation is posted.
    if (this.#isNew(model)) void this.#jobs.run(() => this.#evaluateModels(model, { pendingOnly: true }));
    this.#debounce.trigger(model, () => void this.#jobs.run(() => this.#evaluateModels(model)));
  }

  /**
   * Evaluates one model (`only`) or all of them; a configured model with no prediction yet gets
   * its entities as `unknown`. With `pendingOnly`, posts only the `unknown` entities of a model
   * the hub has not been shown yet.
   */
  async #evaluateModels(only: string | null, { pendingOnly = false } = {}): Promise<void> {
    let withData: string[];
    try {
      withData = this.#tracker.modelNames();
    } catch (error) {
      this.#failures.failed('evaluate', error);
      return;
    }
    const names = [...new Set([...withData, ...this.#configuredModels, ...(only === null ? [] : [only])])].sort();
    const { slugs, renamed } = assignSlugs(names);
    for (const name of renamed) {
      if (this.#warnedSlugs.has(name)) continue;
      this.#warnedSlugs.add(name);
      this.#logger.warn('another model already has this entity slug; using a numbered one', { model_name: name, slug: slugs.get(name) });
    }
    for (const name of only === null ? names : [only]) {
      if (this.#stopped) return;
      const slug = slugs.get(name);
      if (slug === undefined) continue;
      const hasData = withData.includes(name);
      if (!hasData || this.#isNew(name)) {
        if (!this.#shown.has(name)) await this.#postAll(name, pendingSensorStates(name, { window: this.#config.window, minSamples: this.#config.min_samples, slug }));
        if (pendingOnly || !hasData || !this.#shown.has(name)) continue;
      }
      await this.#evaluateModel(name, slug);
    }
  }

  /** A model the hub has never been shown that had no predictions at start: its entities appear as `unknown` before its first numbers. */
  #isNew(model: string): boolean {
    return !this.#shown.has(model) && !this.#hadData.has(model);
  }

  /** Posts a model's entities together (a slow hub costs one round trip, not seven); the model counts as shown once all were accepted. */
  async #postAll(name: string, states: SensorState[]): Promise<void> {
    const accepted = await Promise.all(states.map((sensor) => this.#post(sensor)));
    if (accepted.every(Boolean)) this.#shown.add(name);
  }

  async #evaluateModel(name: string, slug: string): Promise<void> {
    let current: ModelPerformance;
    let baseline: ModelPerformance | null = null;
    try {
      current = await this.#tracker.getPerformance(name, { window: this.#config.window });
      const range = baselineRange(current.window);
      if (range) baseline = await this.#tracker.getPerformance(name, { version: current.model_version, ...range });
      this.#failures.succeeded('evaluate');
    } catch (error) {
      this.#failures.failed('evaluate', error, { model_name: name });
      return;
    }
    const targets = targetsOf(current);
    const states = buildSensorStates(current, {
      window: this.#config.window,
      minSamples: this.#config.min_samples,
      targets,
      slug,
    });
    await this.#postAll(name, states);
    await this.#announce(current, baseline, targets);
  }

  /** True when the hub has the state (posted now or before). */
  async #post(sensor: SensorState): Promise<boolean> {
    const key = fingerprint(sensor);
    if (this.#posted.get(sensor.entity_id) === key) return true;
    try {
      await this.#hub.postState(sensor.entity_id, sensor.state, sensor.attributes);
    } catch (error) {
      this.#failures.failed('post_state', error, { entity_id: sensor.entity_id });
      return false;
    }
    this.#posted.set(sensor.entity_id, key);
    this.#failures.succeeded('post_state');
    return true;
  }

  /** Fires the drops and recoveries; only those the hub accepted are remembered (the rest are retried next time). */
  async #announce(current: ModelPerformance, baseline: ModelPerformance | null, targets: Partial<Record<TargetMetric, number>>): Promise<void> {
    const name = current.model_name;
    const previous: AlertState = this.#stateStore.document.alerts[name] ?? {};
    const { announcements, next } = detectDrops({
      current,
      baseline,
      targets,
      dropPoints: this.#config.drop_points,
      minSamples: this.#config.min_samples,
      previous,
    });
    if (announcements.length === 0) return;
    const committed: AlertState = { ...previous };
    for (const announcement of announcements) {
      try {
        await this.#hub.fireEvent(announcement.event_type, { ...announcement.data });
      } catch (error) {
        this.#failures.failed('fire_event', error, { event_type: announcement.event_type, model_name: name, metric: announcement.metric });
        continue;
      }
      this.#failures.succeeded('fire_event');
      this.#logger.info(announcement.event_type === 'ml_metrics_performance_drop' ? 'performance drop' : 'performance recovered', {
        ...announcement.data,
      });
      const entry = next[announcement.metric];
      if (entry) committed[announcement.metric] = entry;
      else delete committed[announcement.metric];
    }
    if (sameAlerts(committed, previous)) return;
    try {
      await this.#stateStore.update((document) => {
        const alerts = { ...document.alerts };
        if (Object.keys(committed).length === 0) delete alerts[name];
        else alerts[name] = committed;
        return { ...document, alerts };
      });
      this.#failures.succeeded('save_state');
    } catch (error) {
      this.#failures.failed('save_state', error, { model_name: name });
    }
  }
}
