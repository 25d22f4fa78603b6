import type { LogFields, Logger } from '../logging/logger.js';

/**
 * Logs the first occurrence of each kind of trouble (a refusal reason, a failure, the store
 * refusing writes); later ones of the same kind are only counted by the caller.
 */
export class LogOnce {
  readonly #logger: Logger;
  readonly #logged = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  log(kind: string, level: 'warn' | 'error', message: string, fields: LogFields): void {
    if (this.#logged.has(kind)) return;
    this.#logged.add(kind);
    this.#logger[level](message, fields);
  }

  /** The trouble of this kind is over: log it again when it comes back. */
  forget(kind: string): void {
    this.#logged.delete(kind);
  }
}
