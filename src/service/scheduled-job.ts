import type { Logger as CronLogger, ScheduledTask } from 'node-cron';
import { createTask, validate as validateCron } from 'node-cron';
import { isValidTimeZone } from '../domain/time-zone.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';

/** A schedule setting the service cannot run with; the message names the setting. */
export class ScheduleConfigError extends Error {
  override name = 'ScheduleConfigError';
}

export interface ScheduledJobOptions {
  /** For logs, e.g. `retention`. */
  name: string;
  /** node-cron expression (5 fields, or 6 with seconds). */
  cron: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  /** The config keys of `cron` and `timezone`, so a refusal names what to change. */
  settings: { cron: string; timezone: string };
  /** The work; a rejection is logged and the next run still happens. */
  run: () => Promise<unknown>;
  logger: Logger;
}

function cronLogger(logger: Logger): CronLogger {
  return {
    info: (message) => logger.debug(message),
    warn: (message) => logger.warn(message),
    error: (message, error) => logger.error(describeError(message), error ? { error: describeError(error) } : undefined),
    debug: (message) => logger.debug(describeError(message)),
  };
}

/**
 * A job run on a cron schedule (retention, the implicit-label sweep, sensor re-evaluation): a
 * service with `start()`/`stop()`, never two runs at once, and a failing run logged, not thrown.
 * The settings are checked when it is built, so a bad expression stops start-up with its key.
 */
export class ScheduledJob {
  readonly #options: ScheduledJobOptions;
  #task: ScheduledTask | null = null;

  constructor(options: ScheduledJobOptions) {
    if (!validateCron(options.cron)) {
      throw new ScheduleConfigError(
        `${options.settings.cron}: "${options.cron}" is not a valid cron expression; ` +
          'use 5 fields (minute hour day month weekday) or 6 with seconds, e.g. "*/5 * * * *"',
      );
    }
    if (!isValidTimeZone(options.timezone)) {
      throw new ScheduleConfigError(
        `${options.settings.timezone}: "${options.timezone}" is not a time zone this system knows; use an IANA name such as "UTC" or "Europe/Berlin"`,
      );
    }
    this.#options = options;
  }

  start(): void {
    if (this.#task) return;
    const { name, cron, timezone, run, logger } = this.#options;
    this.#task = createTask(
      cron,
      async () => {
        try {
          await run();
        } catch (error) {
          logger.error(`the ${name} job failed; it runs again at its next time`, { error: describeError(error) });
        }
      },
      { name, timezone, noOverlap: true, logger: cronLogger(logger) },
    );
    this.#task.start();
    logger.debug(`${name} job scheduled`, { cron, timezone });
  }

  /** Stops the schedule; a run in flight finishes on its own. */
  async stop(): Promise<void> {
    const task = this.#task;
    this.#task = null;
    if (task) await task.destroy();
  }
}
