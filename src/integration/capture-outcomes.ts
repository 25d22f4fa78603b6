import type { LogFields, Logger } from '../logging/logger.js';
import { toError } from '../logging/to-error.js';

/** Per event type: what happened to the events of that type. */
export interface CaptureCounts {
  captured: number;
  labeled: number;
  duplicates: number;
  refused: number;
  unmatched: number;
  failed: number;
  /** Given up because the retry queue was full while the store could not write. */
  dropped: number;
}

/**
 * What happened to each hub event: counted per event type, and logged. Trouble is logged the
 * first time per kind (a refusal reason, a failure, the store refusing writes); later events of the
 * same kind are only counted.
 */
export class CaptureOutcomes {
  readonly #logger: Logger;
  readonly #counts = new Map<string, CaptureCounts>();
  readonly #logged = new Set<string>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** The counts per event type since start, sorted by type. */
  snapshot(): Record<string, CaptureCounts> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** A prediction was stored: `labeled` when it carried its own ground truth (unmatched feedback). */
  stored(eventType: string, countAs: 'captured' | 'labeled'): void {
    this.#count(eventType, countAs);
  }

  labeled(eventType: string): void {
    this.#count(eventType, 'labeled');
  }

  duplicate(eventType: string, predictionId: string): void {
    this.#count(eventType, 'duplicates');
    this.#logger.debug('duplicate prediction ignored', { event_type: eventType, prediction_id: predictionId });
  }

  refused(eventType: string, kind: string, reason: string): void {
    this.#count(eventType, 'refused');
    this.#logOnce(`${eventType}:refused:${kind}`, 'warn', `refused a ${eventType} event: ${reason}`, {
      hint: 'later events refused for the same reason are counted, not logged',
    });
  }

  unmatched(eventType: string): void {
    this.#count(eventType, 'unmatched');
    this.#logOnce(`${eventType}:unmatched`, 'warn', `a ${eventType} event matched no prediction and was dropped`, {
      hint: 'send the prediction_id, or fire it from an automation triggered by the prediction event, or give a device_id',
    });
  }

  failed(eventType: string, error: unknown): void {
    this.#count(eventType, 'failed');
    this.#logOnce(`${eventType}:failed:${toError(error).name}`, 'error', `could not handle a ${eventType} event`, { error });
  }

  /** A kept event failed when it was retried; it is not retried again. */
  failedKept(eventType: string, error: unknown): void {
    this.#count(eventType, 'failed');
    this.#logger.error(`could not handle a kept ${eventType} event`, { error });
  }

  /** Waiting feedback was given up because `max` were waiting. */
  pushedOut(max: number): void {
    this.#logger.warn('too much feedback waiting for its prediction: gave up the oldest', { pending_max: max });
  }

  /** Given up because `max` events were kept already. */
  dropped(eventType: string, max: number): void {
    this.#count(eventType, 'dropped');
    this.#logOnce('retry:dropped', 'error', 'the store has not accepted writes for a while: giving up the oldest waiting hub events', { max });
  }

  storeRefused(error: unknown): void {
    this.#logOnce('retry:storage', 'warn', 'the store cannot write: keeping hub events to retry', { error });
  }

  storeRecovered(): void {
    this.#logger.info('the store accepts writes again: kept hub events were stored');
    this.#logged.delete('retry:storage');
  }

  #count(eventType: string, field: keyof CaptureCounts): void {
    let counts = this.#counts.get(eventType);
    if (!counts) {
      counts = { captured: 0, labeled: 0, duplicates: 0, refused: 0, unmatched: 0, failed: 0, dropped: 0 };
      this.#counts.set(eventType, counts);
    }
    counts[field] += 1;
  }

  #logOnce(kind: string, level: 'warn' | 'error', message: string, fields: LogFields): void {
    if (this.#logged.has(kind)) return;
    this.#logged.add(kind);
    this.#logger[level](message, fields);
  }
}
