import type { Logger } from '../logging/logger.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from '../tracker/errors.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { CaptureOutcomes, type CaptureCounts } from './capture-outcomes.js';
import type { CapturedFeedback } from './captured-feedback.js';
import type { CapturedPrediction } from './captured-prediction.js';
import type { EventMapping } from './event-mapping.js';
import type { MatchingConfig } from './hub-config.js';
import type { HubEvent } from './hub-schemas.js';
import { interpretEvent } from './interpret-event.js';
import { matchFeedback, type MatchSource } from './match-feedback.js';
import { PendingFeedback } from './pending-feedback.js';
import { RecentPredictions, type RecentPrediction } from './recent-predictions.js';
import { RetryQueue } from './retry-queue.js';

/** What EventCapture needs from the hub connection. */
export interface EventSource {
  subscribeEvents(eventTypes: readonly string[], handler: (event: HubEvent) => void | Promise<void>): Promise<() => Promise<void>>;
}

interface EventCaptureOptions {
  hub: EventSource;
  tracker: ModelPerformanceTracker;
  /** event_type → mapping (shipped contract merged with the user's overrides). */
  mappings: Readonly<Record<string, EventMapping>>;
  matching: MatchingConfig;
  logger: Logger;
  /** Events kept while the store cannot write (disk full, read-only), oldest given up first. Default 10,000. */
  retryQueueMax?: number;
  /** First retry delay; it doubles up to 30 s. Default 1 s. */
  retryDelayMs?: number;
}

/**
 * Turns hub events into predictions and labels: subscribes to the mapped event types only,
 * interprets each event through its mapping, and matches feedback to its prediction by id, by
 * the hub's context chain, or by device within a time window. Feedback that comes before its
 * prediction waits a bounded time. A bad event is refused, counted and logged once per kind;
 * nothing stops the capture.
 */
export class EventCapture {
  readonly #options: EventCaptureOptions;
  readonly #recent = new RecentPredictions();
  readonly #outcomes: CaptureOutcomes;
  readonly #pending: PendingFeedback;
  readonly #retries: RetryQueue;
  readonly #inFlight = new Set<Promise<void>>();
  /** Predictions being stored, by id: feedback waits for the ones that arrived before it. */
  readonly #storing = new Map<string, Promise<unknown>>();
  #unsubscribe: (() => Promise<void>) | null = null;
  #stopped = false;

  constructor(options: EventCaptureOptions) {
    this.#options = options;
    const { logger, matching } = options;
    this.#outcomes = new CaptureOutcomes(logger);
    this.#pending = new PendingFeedback({
      max: matching.pending_max,
      waitMs: matching.pending_seconds * 1000,
      onTimeout: (feedback) => this.#track(this.#captureFeedback(feedback, false)),
      onPushedOut: (feedback) => {
        this.#outcomes.pushedOut(matching.pending_max);
        this.#track(this.#giveUp(feedback));
      },
    });
    const retryQueueMax = options.retryQueueMax ?? 10_000;
    this.#retries = new RetryQueue({
      max: retryQueueMax,
      firstDelayMs: options.retryDelayMs ?? 1000,
      replay: (event) => this.#handle(event),
      onDropped: (event) => this.#outcomes.dropped(event.event_type, retryQueueMax),
      onFailed: (event, error) => this.#outcomes.failedKept(event.event_type, error),
      onRecovered: () => this.#outcomes.storeRecovered(),
      track: (work) => this.#track(work),
    });
  }

  get eventTypes(): string[] {
    return Object.keys(this.#options.mappings).sort();
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    const types = this.eventTypes;
    if (types.length === 0) {
      this.#options.logger.warn('no hub event types are mapped: nothing will be captured');
      return;
    }
    const unsubscribe = await this.#options.hub.subscribeEvents(types, (event) => this.handle(event));
    if (this.#stopped) {
      await unsubscribe();
      return;
    }
    this.#unsubscribe = unsubscribe;
    this.#options.logger.info('listening for hub events', { event_types: types.join(',') });
  }

  /** Unsubscribes, waits for events being handled, and gives up waiting feedback. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#retries.stop();
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = null;
    this.#pending.clear();
    if (this.#retries.size > 0) {
      this.#options.logger.warn('stopping with events the store could not take yet: they are lost', { events: this.#retries.size });
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Counts per event type since start. */
  counts(): Record<string, CaptureCounts> {
    return this.#outcomes.snapshot();
  }

  /** Events waiting for the store to accept writes again. */
  get pendingRetries(): number {
    return this.#retries.size;
  }

  /** Feedback waiting for its prediction. */
  get pendingFeedback(): number {
    return this.#pending.size;
  }

  /** Handles one event; never throws. Resolves when its effect is stored (or refused). */
  handle(event: HubEvent): Promise<void> {
    if (this.#retries.busy) {
      // Keep arrival order: a label must not overtake the prediction it answers.
      this.#defer(event);
      return Promise.resolve();
    }
    const work = this.#handle(event).catch((error: unknown) => {
      if (error instanceof StorageUnavailableError) {
        this.#defer(event, error);
        return;
      }
      this.#outcomes.failed(event.event_type, error);
    });
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  /** Keeps an event for later: the store cannot write now. */
  #defer(event: HubEvent, error?: StorageUnavailableError): void {
    if (this.#stopped) return;
    this.#retries.push(event);
    if (error) this.#outcomes.storeRefused(error);
  }

  async #handle(event: HubEvent): Promise<void> {
    const mapping = this.#options.mappings[event.event_type];
    if (!mapping) return;
    const interpretation = interpretEvent(event, mapping);
    if (interpretation.kind === 'refused') {
      this.#outcomes.refused(event.event_type, interpretation.reason_kind, interpretation.reason);
      return;
    }
    if (interpretation.kind === 'prediction') {
      await this.#capturePrediction(event.event_type, interpretation.input, interpretation.device_id);
      return;
    }
    await this.#captureFeedback(interpretation.feedback, true);
  }

  async #capturePrediction(
    eventType: string,
    input: CapturedPrediction,
    deviceId: string | null,
    countAs: 'captured' | 'labeled' = 'captured',
  ): Promise<void> {
    const storing = this.#options.tracker.logPrediction(input);
    this.#storing.set(input.prediction_id, storing);
    try {
      await storing;
    } catch (error) {
      if (error instanceof ConflictError) {
        this.#outcomes.duplicate(eventType, input.prediction_id);
        return;
      }
      if (error instanceof InvalidInputError) {
        this.#outcomes.refused(eventType, `invalid_${error.issues[0]?.path ?? 'input'}`, error.message);
        return;
      }
      throw error;
    } finally {
      if (this.#storing.get(input.prediction_id) === storing) this.#storing.delete(input.prediction_id);
    }
    this.#outcomes.stored(eventType, countAs);
    const recent: RecentPrediction = {
      prediction_id: input.prediction_id,
      model_name: input.model_name,
      context_id: input.context.hub_context_id,
      device_id: deviceId,
    };
    this.#recent.add(recent);
    await this.#releasePending(recent);
  }

  /** Matches feedback to its prediction and labels it; waits (once) when nothing matches yet. */
  async #captureFeedback(feedback: CapturedFeedback, mayWait: boolean): Promise<void> {
    // Events are handled concurrently; a prediction that came before this feedback may still be
    // in its commit: let it land first (commits are grouped, so this is short). Feedback with an id
    // waits for that prediction only; without one, for every prediction being stored.
    if (feedback.prediction_id !== null) await this.#storing.get(feedback.prediction_id)?.catch(() => undefined);
    else if (this.#storing.size > 0) await Promise.allSettled(this.#storing.values());
    const { tracker, matching } = this.#options;
    const match = await matchFeedback(feedback, { tracker, recent: this.#recent, matching });
    if (match) {
      await this.#label(feedback, match.id, match.source);
      return;
    }
    if (mayWait && matching.pending_seconds > 0 && !this.#stopped) {
      this.#pending.add(feedback);
      return;
    }
    await this.#giveUp(feedback);
  }

  async #label(feedback: CapturedFeedback, predictionId: string, source: MatchSource): Promise<void> {
    try {
      const rating = feedback.rating === null ? {} : { rating: feedback.rating };
      await this.#options.tracker.recordGroundTruth(predictionId, { ...feedback.label, ...rating, source, labeled_at: feedback.time });
    } catch (error) {
      if (error instanceof InvalidInputError) {
        this.#outcomes.refused(feedback.event_type, `invalid_${error.issues[0]?.path ?? 'label'}`, error.message);
        return;
      }
      if (error instanceof NotFoundError) {
        await this.#giveUp(feedback);
        return;
      }
      throw error;
    }
    this.#outcomes.labeled(feedback.event_type);
  }

  /** A newly captured prediction may be the one waiting feedback answers. */
  async #releasePending(prediction: RecentPrediction): Promise<void> {
    for (const { feedback, source } of this.#pending.answering(prediction)) {
      try {
        await this.#label(feedback, prediction.prediction_id, source);
      } catch (error) {
        // The store refused the label, not the prediction: let the feedback wait again.
        if (!(error instanceof StorageUnavailableError)) throw error;
        this.#pending.add(feedback);
      }
    }
  }

  async #giveUp(feedback: CapturedFeedback): Promise<void> {
    if (feedback.unmatched) {
      // A suggestion accepted that was never announced: a prediction with its own ground truth.
      await this.#capturePrediction(feedback.event_type, feedback.unmatched, feedback.device_id, 'labeled');
      return;
    }
    this.#outcomes.unmatched(feedback.event_type);
  }

  #track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) => {
      this.#options.logger.error('could not handle waiting feedback', { error });
    });
    this.#inFlight.add(guarded);
    void guarded.finally(() => this.#inFlight.delete(guarded));
  }
}
