import type { Logger } from '../logging/logger.js';

/**
 * Logs a failing hub step once at warn while it keeps failing (then at debug), and once at info
 * when it works again: a hub away for an hour is one warning, not one per evaluation.
 */
export class RepeatedFailures<Kind extends string> {
  readonly #failing = new Set<Kind>();

  constructor(
    private readonly logger: Logger,
    private readonly text: Record<Kind, string>,
    /** Put before "<kind> works again" (e.g. "drift "). */
    private readonly recoveredPrefix = '',
  ) {}

  failed(kind: Kind, error: unknown, fields: Record<string, unknown> = {}): void {
    const details = { ...fields, error };
    if (this.#failing.has(kind)) {
      this.logger.debug(this.text[kind], details);
      return;
    }
    this.#failing.add(kind);
    this.logger.warn(`${this.text[kind]}; retrying on the next evaluation`, details);
  }

  succeeded(kind: Kind): void {
    if (this.#failing.delete(kind)) this.logger.info(`${this.recoveredPrefix}${kind.replace('_', ' ')} works again`);
  }
}
