import { z } from 'zod';
import type { Experiments } from '../experiments/experiments-service.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { HubEvent } from './hub-schemas.js';

export const ASSIGN_REQUEST_EVENT = 'ml_experiment_assign';
export const ASSIGN_REPLY_EVENT = 'ml_experiment_assigned';

const AssignRequestSchema = z.object({
  experiment_id: z.string().min(1).max(200),
  unit: z.string().min(1).max(200),
});

/** What the listener needs from the hub. */
export interface AssignHub {
  subscribeEvents(eventTypes: readonly string[], handler: (event: HubEvent) => void | Promise<void>): Promise<() => Promise<void>>;
  fireEvent(eventType: string, data: Record<string, unknown>): Promise<unknown>;
}

/**
 * The hub's way to ask for an assignment: an automation fires `ml_experiment_assign`
 * `{experiment_id, unit}` and waits for `ml_experiment_assigned` `{experiment_id, unit, version,
 * status}` (or `{experiment_id, unit, error}`) with the same experiment and unit.
 */
export class ExperimentAssignListener {
  readonly #hub: AssignHub;
  readonly #experiments: Pick<Experiments, 'assign'>;
  readonly #logger: Logger;
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(options: { hub: AssignHub; experiments: Pick<Experiments, 'assign'>; logger: Logger }) {
    this.#hub = options.hub;
    this.#experiments = options.experiments;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.#hub.subscribeEvents([ASSIGN_REQUEST_EVENT], (event) => this.#request(event));
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  async #request(event: HubEvent): Promise<void> {
    const request = AssignRequestSchema.safeParse(event.data);
    if (!request.success) {
      this.#logger.warn(`ignored an ${ASSIGN_REQUEST_EVENT} event without experiment_id and unit (strings)`, { error: request.error.issues[0]?.message });
      return;
    }
    const { experiment_id, unit } = request.data;
    let reply: Record<string, unknown>;
    try {
      const assignment = this.#experiments.assign(experiment_id, { unit });
      reply = { ...assignment };
    } catch (error) {
      reply = { experiment_id, unit, error: describeError(error) };
    }
    try {
      await this.#hub.fireEvent(ASSIGN_REPLY_EVENT, reply);
    } catch (error) {
      this.#logger.warn(`could not answer an ${ASSIGN_REQUEST_EVENT} event`, { experiment: experiment_id, error: describeError(error) });
    }
  }
}
