import { StorageUnavailableError } from '../tracker/errors.js';
import type { HubEvent } from './hub-schemas.js';

interface RetryQueueOptions {
  /** Events kept at most; the oldest is given up first. */
  max: number;
  /** First retry delay; it doubles up to 30 s. */
  firstDelayMs: number;
  /** Handles a kept event again; rejects with StorageUnavailableError while the store still cannot write. */
  replay: (event: HubEvent) => Promise<void>;
  /** Given up: the queue was full. */
  onDropped: (event: HubEvent) => void;
  /** A kept event failed for another reason than the store; it is not retried. */
  onFailed: (event: HubEvent, error: unknown) => void;
  /** Every kept event was handled after the store had refused writes. */
  onRecovered: () => void;
  /** Runs a replay in the background; the owner waits for it when it stops. */
  track: (work: Promise<void>) => void;
}

const MAX_DELAY_MS = 30_000;

/**
 * Hub events that met a store that could not write (disk full, read-only), kept in arrival order
 * and replayed with backoff until the store takes them again.
 */
export class RetryQueue {
  readonly #options: RetryQueueOptions;
  readonly #events: HubEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #delay = 0;
  #replaying = false;
  #stopped = false;

  constructor(options: RetryQueueOptions) {
    this.#options = options;
  }

  /** Events waiting for the store. */
  get size(): number {
    return this.#events.length;
  }

  /** True while events wait or are being replayed: newer events must queue behind them to keep arrival order. */
  get busy(): boolean {
    return this.#events.length > 0 || this.#replaying;
  }

  push(event: HubEvent): void {
    if (this.#events.length >= this.#options.max) this.#options.onDropped(this.#events.shift()!);
    this.#events.push(event);
    this.#schedule();
  }

  /** Stops replaying; the events still kept are lost. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer || this.#replaying || this.#stopped) return;
    this.#delay = this.#delay === 0 ? this.#options.firstDelayMs : Math.min(this.#delay * 2, MAX_DELAY_MS);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#options.track(this.#replay());
    }, this.#delay);
    this.#timer.unref();
  }

  /** Replays kept events in order until the queue is empty or the store refuses again. */
  async #replay(): Promise<void> {
    this.#replaying = true;
    try {
      while (this.#events.length > 0 && !this.#stopped) {
        const event = this.#events[0]!;
        try {
          await this.#options.replay(event);
        } catch (error) {
          if (error instanceof StorageUnavailableError) return;
          this.#options.onFailed(event, error);
        }
        this.#events.shift();
      }
      if (this.#events.length === 0 && this.#delay !== 0) {
        this.#options.onRecovered();
        this.#delay = 0;
      }
    } finally {
      this.#replaying = false;
      if (this.#events.length > 0) this.#schedule();
    }
  }
}
