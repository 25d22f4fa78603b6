import type { HealthProblem } from '../domain/responses.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { HealthProblems } from '../tracker/health-problems.js';
import type { HubPort } from './hub-port.js';

export const PROBLEM_SENSOR = 'binary_sensor.ml_metrics_problem';

/** The problem sensor's state: on while anything is wrong, the problems as attributes. Pure. */
export function problemSensorState(problems: readonly HealthProblem[]): { state: string; attributes: Record<string, unknown> } {
  return {
    state: problems.length > 0 ? 'on' : 'off',
    attributes: {
      device_class: 'problem',
      friendly_name: 'ML metrics problem',
      icon: 'mdi:database-alert',
      problem_count: problems.length,
      problems: problems.map((problem) => ({ ...problem })),
    },
  };
}

/**
 * `binary_sensor.ml_metrics_problem` (device_class problem): what `GET /health` lists, on the
 * hub. Posted on every change of the problems and after each (re)connection; posts run one at a
 * time, and a failed post is logged and retried with the next change or connection.
 */
export class ProblemSensor {
  readonly #hub: HubPort;
  readonly #problems: Pick<HealthProblems, 'list' | 'onChange'>;
  readonly #logger: Logger;
  #unsubscribe: (() => void) | null = null;
  #tail: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: { hub: HubPort; problems: Pick<HealthProblems, 'list' | 'onChange'>; logger: Logger }) {
    this.#hub = options.hub;
    this.#problems = options.problems;
    this.#logger = options.logger;
  }

  start(): void {
    this.#unsubscribe ??= this.#problems.onChange(() => void this.publish());
  }

  /** Posts the current state (the hub calls it on connect). Never rejects. */
  publish(): Promise<void> {
    this.#tail = this.#tail.then(async () => {
      if (this.#stopped) return;
      const { state, attributes } = problemSensorState(this.#problems.list());
      try {
        await this.#hub.postState(PROBLEM_SENSOR, state, attributes);
      } catch (error) {
        this.#logger.debug('could not post the problem sensor; it is posted again with the next change or connection', { error: describeError(error) });
      }
    });
    return this.#tail;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    await this.#tail;
  }
}
