import type { Logger } from '../logging/logger.js';

/**
 * Runs jobs one at a time, in the order asked; a failing job is logged (`failure`), never thrown
 * to the next. `skip()` says whether a job should do nothing when its turn comes (after stop()).
 */
export class SerialJobs {
  #tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly logger: Logger,
    private readonly failure: string,
    private readonly skip: () => boolean,
  ) {}

  run(job: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(async () => {
      if (this.skip()) return;
      try {
        await job();
      } catch (error) {
        this.logger.error(this.failure, { error });
      }
    });
    this.#tail = run;
    return run;
  }

  /** Waits for the jobs already asked for. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
