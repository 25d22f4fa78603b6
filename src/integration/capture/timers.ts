import type { Logger } from '../../logging/logger.js';

/** One-shot timers that all go with `clear()` (after which none is set); a failing callback is logged, never thrown. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();
  #cleared = false;

  constructor(private readonly logger: Logger) {}

  /** Runs `run` after `delayMs` (at once when negative). */
  after(delayMs: number, what: string, run: () => Promise<void>): void {
    // A callback in flight during clear() may ask for a follow-up: the owner is stopping.
    if (this.#cleared) return;
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      run().catch((error: unknown) => this.logger.error(`${what} failed`, { error }));
    }, Math.max(0, delayMs));
    this.#pending.add(timer);
  }

  clear(): void {
    this.#cleared = true;
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
