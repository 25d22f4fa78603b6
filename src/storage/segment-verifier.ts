import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { SegmentCheck } from './off-thread-segment-check.js';
import { SegmentCheckUnavailableError } from './storage-errors.js';
import type { PredictionStore } from './prediction-store.js';
import { CorruptFileError } from './storage-errors.js';

export interface SegmentVerifierOptions {
  store: Pick<PredictionStore, 'sealedSegmentsWithRecords' | 'verifySealedSegment' | 'segmentFile'>;
  /** Called for each sealed segment that does not read and validate (file relative to the data directory). */
  onUnreadable: (file: string, reason: string) => void;
  logger: Logger;
  /** Pause between two segments, so the scan yields to requests and commits (default 25 ms). */
  pauseMs?: number;
  /** Wait before the first segment (default 0): the first queries after start-up go first. */
  startDelayMs?: number;
  /**
   * The pause after a segment is at least this many times as long as its check took (default 2:
   * the check takes at most a third of a CPU, so on a two-core machine the requests that arrive
   * meanwhile find one free; 0: only `pauseMs`).
   */
  pauseRatio?: number;
  /**
   * Reads and validates a segment somewhere else (a worker thread: OffThreadSegmentCheck), closed
   * when the scan ends; default: `store.verifySealedSegment` on this thread.
   */
  check?: SegmentCheck | undefined;
}

/**
 * Reads every sealed segment once after start-up, in the background, one at a time (a parsed
 * segment is dropped before the next is read: memory stays at one segment), pausing between
 * them, and reports each one that does not read and validate. Start-up never waits for it:
 * `start()` returns at once; `stop()` ends the scan after the segment in hand.
 */
export class SegmentVerifier {
  readonly #options: SegmentVerifierOptions;
  #scan: Promise<void> | null = null;
  #stopped = false;
  #pause: { timer: NodeJS.Timeout; wake: () => void } | null = null;

  #check: SegmentCheck | undefined;

  constructor(options: SegmentVerifierOptions) {
    this.#options = options;
    this.#check = options.check;
  }

  start(): void {
    if (this.#scan || this.#stopped) return;
    this.#scan = this.#run()
      .finally(() => this.#options.check?.close())
      .catch((error: unknown) => this.#options.logger.error('the background segment check failed', { error: describeError(error) }));
  }

  /** Resolves once the scan has finished (or was stopped); at once when it was never started. */
  finished(): Promise<void> {
    return this.#scan ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#pause) {
      clearTimeout(this.#pause.timer);
      this.#pause.wake();
    }
    // Cuts a check in progress: what it would have said is not needed any more.
    await this.#options.check?.close();
    await this.finished();
  }

  async #run(): Promise<void> {
    const { store, logger } = this.#options;
    const segments = store.sealedSegmentsWithRecords();
    let unreadable = 0;
    let lastCheckMs = 0;
    if (segments.length > 0 && (this.#options.startDelayMs ?? 0) > 0) {
      await this.#sleep(this.#options.startDelayMs!);
      if (this.#stopped) return;
    }
    for (const segment of segments) {
      await this.#wait(lastCheckMs);
      if (this.#stopped) return;
      try {
        const began = performance.now();
        await this.#verify(segment);
        lastCheckMs = performance.now() - began;
      } catch (error) {
        if (this.#stopped) return;
        // Retention may have removed it meanwhile: only a segment still meant to be there is a problem.
        if (!store.sealedSegmentsWithRecords().includes(segment)) continue;
        unreadable += 1;
        const reason = error instanceof CorruptFileError ? error.reason : describeError(error);
        logger.error('a sealed segment is unreadable; run "hap ml-metrics doctor" (and repair, with the service stopped)', { file: store.segmentFile(segment), reason });
        this.#options.onUnreadable(store.segmentFile(segment), reason);
      }
    }
    logger.info('checked the sealed segments', { segments: segments.length, unreadable });
  }

  /** Off-thread when a check was given; on this thread when there is none or it stopped working. */
  async #verify(segment: number): Promise<void> {
    const check = this.#check;
    if (!check) return this.#options.store.verifySealedSegment(segment);
    try {
      await check.verify(segment);
    } catch (error) {
      if (!(error instanceof SegmentCheckUnavailableError) || this.#stopped) throw error;
      this.#options.logger.warn('the off-thread segment check stopped working; the rest is checked on the main thread', { error: error.message });
      this.#check = undefined;
      await check.close();
      await this.#options.store.verifySealedSegment(segment);
    }
  }

  #wait(lastCheckMs: number): Promise<void> {
    return this.#sleep(Math.max(this.#options.pauseMs ?? 25, (this.#options.pauseRatio ?? 2) * lastCheckMs));
  }

  /** A pause that `stop()` ends at once; it does not keep the process alive. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#pause = null;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.#pause = { timer, wake };
    });
  }
}
