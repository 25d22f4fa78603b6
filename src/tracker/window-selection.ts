import type { ResolvedWindow } from './window.js';

/** What to do with the next record of the subject (newest first): after the window, in it, before it, or past the limit. */
export type WindowStep = 'skip' | 'take' | 'stop' | 'full';

/**
 * The performance answer's selection of raw records, walked newest timestamp first over the
 * records of one model (version): a time window [from, to) to the millisecond; the last N labeled
 * predictions and every prediction stamped since the oldest of them; `all`; never more than
 * `limit`. One rule for every walk over records or their outcome columns.
 */
export class WindowSelection {
  readonly #fromMs: number | null;
  readonly #toMs: number | null;
  readonly #count: number | null;
  readonly #limit: number;
  #read = 0;
  #labeled = 0;

  constructor(window: ResolvedWindow, limit: number) {
    this.#fromMs = window.kind === 'time' ? window.fromMs : null;
    this.#toMs = window.kind === 'time' ? window.toMs : null;
    this.#count = window.kind === 'count' ? window.count : null;
    this.#limit = limit;
  }

  /** Whether the window is bounded in time (only then does `step` read the record's time). */
  get timed(): boolean {
    return this.#fromMs !== null || this.#toMs !== null;
  }

  /** The next record, stamped `atMs`: skip it (after the window), take it, stop (before the window), or stop with more left (`full`). */
  step(atMs: number): WindowStep {
    if (this.#toMs !== null && atMs >= this.#toMs) return 'skip';
    if (this.#fromMs !== null && atMs < this.#fromMs) return 'stop';
    return this.#read === this.#limit ? 'full' : 'take';
  }

  /** Counts a record taken; false once the window is complete (a count window's last labeled prediction). */
  took(labeled: boolean): boolean {
    this.#read += 1;
    if (labeled) this.#labeled += 1;
    return this.#count === null || this.#labeled !== this.#count;
  }

  /** Records taken so far. */
  get read(): number {
    return this.#read;
  }
}
