import type { ExperimentReport } from '../domain/experiments.js';
import type { Experiments } from '../experiments/experiments-service.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { HubPort } from './hub-port.js';

export const EXPERIMENT_DECIDED_EVENT = 'ml_metrics_experiment_decided';

/** `sensor.ml_experiment_<slug>` for one experiment: its status, and its figures as attributes. */
export function experimentSensor(report: ExperimentReport): { entityId: string; state: string; attributes: Record<string, unknown> } {
  return {
    entityId: `sensor.ml_experiment_${report.slug}`,
    state: report.status,
    attributes: {
      friendly_name: `ML experiment ${report.name}`,
      icon: 'mdi:flask-outline',
      experiment_id: report.experiment_id,
      model_name: report.model_name,
      version_a: report.version_a,
      version_b: report.version_b,
      allocation: report.allocation,
      metric: report.metric_name,
      samples_a: report.samples.a,
      samples_b: report.samples.b,
      value_a: report.metric.a,
      value_b: report.metric.b,
      delta: report.metric.delta,
      interval: report.metric.interval,
      p_value: report.p_value,
      winner: report.winner,
      decision: report.decision,
      reason: report.reason,
      created_at: report.created_at,
      ended_at: report.ended_at,
    },
  };
}

/** The data of `ml_metrics_experiment_decided`. */
export function decidedEventData(report: ExperimentReport): Record<string, unknown> {
  return {
    experiment_id: report.experiment_id,
    name: report.name,
    model_name: report.model_name,
    version_a: report.version_a,
    version_b: report.version_b,
    metric: report.metric_name,
    winner: report.winner,
    value_a: report.metric.a,
    value_b: report.metric.b,
    delta: report.metric.delta,
    p_value: report.p_value,
    reason: report.reason,
    decided_at: report.ended_at,
  };
}

/**
 * Publishes the experiments on the hub: one sensor each (posted when it changed), and one
 * `ml_metrics_experiment_decided` event per decision — recorded in experiments.json once the hub
 * took it, so a decision made while the hub was away is announced when it is back, and never twice.
 */
export class ExperimentSensors {
  readonly #experiments: Experiments;
  readonly #hub: HubPort;
  readonly #logger: Logger;
  readonly #posted = new Map<string, string>();
  #running: Promise<void> = Promise.resolve();

  constructor(options: { experiments: Experiments; hub: HubPort; logger: Logger }) {
    this.#experiments = options.experiments;
    this.#hub = options.hub;
    this.#logger = options.logger;
  }

  /** Posts changed sensors and announces unannounced decisions; runs one at a time. */
  publish(options: { force?: boolean } = {}): Promise<void> {
    const run = this.#running.then(() => this.#publish(options.force ?? false));
    this.#running = run.catch(() => undefined);
    return run;
  }

  async #publish(force: boolean): Promise<void> {
    if (force) this.#posted.clear();
    let reports: ExperimentReport[];
    try {
      reports = await this.#experiments.list();
    } catch (error) {
      this.#logger.error('could not evaluate the experiments for the hub', { error: describeError(error) });
      return;
    }
    for (const report of reports) {
      const sensor = experimentSensor(report);
      const { reason: _reason, ...stable } = sensor.attributes;
      const fingerprint = JSON.stringify([sensor.state, stable]);
      if (this.#posted.get(sensor.entityId) === fingerprint) continue;
      try {
        await this.#hub.postState(sensor.entityId, sensor.state, sensor.attributes);
        this.#posted.set(sensor.entityId, fingerprint);
      } catch (error) {
        this.#logger.warn('could not post an experiment sensor; it is posted again at the next evaluation', { entity_id: sensor.entityId, error: describeError(error) });
      }
    }
    const unannounced = new Set(this.#experiments.unannounced().map((experiment) => experiment.experiment_id));
    for (const report of reports) {
      if (!unannounced.has(report.experiment_id)) continue;
      try {
        await this.#hub.fireEvent(EXPERIMENT_DECIDED_EVENT, decidedEventData(report));
        await this.#experiments.markAnnounced(report.experiment_id);
        this.#logger.info('announced an experiment decision on the hub', { experiment: report.experiment_id, winner: report.winner ?? 'none' });
      } catch (error) {
        this.#logger.warn('could not announce an experiment decision; it is announced again at the next evaluation', { experiment: report.experiment_id, error: describeError(error) });
      }
    }
  }

  async stop(): Promise<void> {
    await this.#running;
  }
}
