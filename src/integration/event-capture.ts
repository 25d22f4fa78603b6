import type { PredictionLog } from '../domain/prediction.js';
import type { Logger } from '../logging/logger.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from '../tracker/errors.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { EventMapping } from './event-mapping.js';
import type { MatchingConfig } from './hub-config.js';
import type { HubEvent } from './hub-schemas.js';
import type { CapturedFeedback, CapturedPrediction } from './interpret-event.js';
import { interpretEvent } from './interpret-event.js';
import { RecentPredictions } from './recent-predictions.js';

/** What EventCapture needs from the hub connection. */
export interface EventSource {
  subscribeEvents(eventTypes: readonly string[], handler: (event: HubEvent) => void | Promise<void>): Promise<() => Promise<void>>;
}

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

export interface EventCaptureOptions {
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

type Source = 'event_id' | 'event_context' | 'event_window';

interface PendingFeedback {
  feedback: CapturedFeedback;
  timer: NodeJS.Timeout;
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
  readonly #pending = new Set<PendingFeedback>();
  readonly #counts = new Map<string, CaptureCounts>();
  readonly #loggedKinds = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  /** Predictions being stored, by id: feedback waits for the ones that arrived before it. */
  readonly #storing = new Map<string, Promise<unknown>>();
  #unsubscribe: (() => Promise<void>) | null = null;
  #stopped = false;
  /** Events that met a store that could not write, in arrival order, retried with backoff. */
  readonly #retryQueue: HubEvent[] = [];
  #retryTimer: NodeJS.Timeout | null = null;
  #retryDelay = 0;
  #retrying = false;

  constructor(options: EventCaptureOptions) {
    this.#options = options;
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
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = null;
    for (const entry of this.#pending) clearTimeout(entry.timer);
    this.#pending.clear();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#retryQueue.length > 0) {
      this.#options.logger.warn('stopping with events the store could not take yet: they are lost', { events: this.#retryQueue.length });
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Counts per event type since start. */
  counts(): Record<string, CaptureCounts> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Events waiting for the store to accept writes again. */
  get pendingRetries(): number {
    return this.#retryQueue.length;
  }

  /** Feedback waiting for its prediction. */
  get pendingFeedback(): number {
    return this.#pending.size;
  }

  /** Handles one event; never throws. Resolves when its effect is stored (or refused). */
  handle(event: HubEvent): Promise<void> {
    if (this.#retryQueue.length > 0 || this.#retrying) {
      // Keep arrival order: a label must not overtake the prediction it answers.
      this.#defer(event);
      return Promise.resolve();
    }
    const work = this.#handle(event).catch((error: unknown) => {
      if (error instanceof StorageUnavailableError) {
        this.#defer(event, error);
        return;
      }
      this.#count(event.event_type, 'failed');
      this.#logOnce(`${event.event_type}:failed:${(error as Error).name}`, 'error', `could not handle a ${event.event_type} event`, {
        error: (error as Error).message,
      });
    });
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    return work;
  }

  /** Keeps an event for later: the store cannot write now. Bounded: the oldest is given up first. */
  #defer(event: HubEvent, error?: StorageUnavailableError): void {
    if (this.#stopped) return;
    const max = this.#options.retryQueueMax ?? 10_000;
    if (this.#retryQueue.length >= max) {
      const dropped = this.#retryQueue.shift()!;
      this.#count(dropped.event_type, 'dropped');
      this.#logOnce('retry:dropped', 'error', 'the store has not accepted writes for a while: giving up the oldest waiting hub events', { max });
    }
    this.#retryQueue.push(event);
    if (error) {
      this.#logOnce('retry:storage', 'warn', 'the store cannot write: keeping hub events to retry', { error: error.message });
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retryTimer || this.#retrying || this.#stopped) return;
    const first = this.#options.retryDelayMs ?? 1000;
    this.#retryDelay = this.#retryDelay === 0 ? first : Math.min(this.#retryDelay * 2, 30_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#track(this.#drainRetries());
    }, this.#retryDelay);
    this.#retryTimer.unref();
  }

  /** Replays kept events in order until the queue is empty or the store refuses again. */
  async #drainRetries(): Promise<void> {
    this.#retrying = true;
    try {
      while (this.#retryQueue.length > 0 && !this.#stopped) {
        const event = this.#retryQueue[0]!;
        try {
          await this.#handle(event);
        } catch (error) {
          if (error instanceof StorageUnavailableError) return;
          this.#count(event.event_type, 'failed');
          this.#options.logger.error(`could not handle a kept ${event.event_type} event`, { error: (error as Error).message });
        }
        this.#retryQueue.shift();
      }
      if (this.#retryQueue.length === 0 && this.#retryDelay !== 0) {
        this.#options.logger.info('the store accepts writes again: kept hub events were stored');
        this.#loggedKinds.delete('retry:storage');
        this.#retryDelay = 0;
      }
    } finally {
      this.#retrying = false;
      if (this.#retryQueue.length > 0) this.#scheduleRetry();
    }
  }

  async #handle(event: HubEvent): Promise<void> {
    const mapping = this.#options.mappings[event.event_type];
    if (!mapping) return;
    const interpretation = interpretEvent(event, mapping);
    if (interpretation.kind === 'refused') {
      this.#refuse(event.event_type, interpretation.reason_kind, interpretation.reason);
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
  ): Promise<boolean> {
    const storing = this.#options.tracker.logPrediction(input);
    this.#storing.set(input.prediction_id, storing);
    try {
      await storing;
    } catch (error) {
      if (error instanceof ConflictError) {
        this.#count(eventType, 'duplicates');
        this.#options.logger.debug('duplicate prediction ignored', { event_type: eventType, prediction_id: input.prediction_id });
        return false;
      }
      if (error instanceof InvalidInputError) {
        this.#refuse(eventType, `invalid_${error.issues[0]?.path ?? 'input'}`, error.message);
        return false;
      }
      throw error;
    } finally {
      if (this.#storing.get(input.prediction_id) === storing) this.#storing.delete(input.prediction_id);
    }
    this.#count(eventType, countAs);
    const recent = {
      prediction_id: input.prediction_id,
      model_name: input.model_name,
      context_id: String(input.context['hub_context_id']),
      device_id: deviceId,
      time: Date.parse(input.timestamp),
    };
    this.#recent.add(recent);
    await this.#releasePending(recent);
    return true;
  }

  /** Matches feedback to its prediction and labels it; waits (once) when nothing matches yet. */
  async #captureFeedback(feedback: CapturedFeedback, mayWait: boolean): Promise<void> {
    // Events are handled concurrently; a prediction that came before this feedback may still be
    // in its commit: let it land first (commits are grouped, so this is short). Feedback with an id
    // waits for that prediction only; without one, for every prediction being stored.
    if (feedback.prediction_id !== null) await this.#storing.get(feedback.prediction_id)?.catch(() => undefined);
    else if (this.#storing.size > 0) await Promise.allSettled(this.#storing.values());
    const match = await this.#match(feedback);
    if (match) {
      await this.#label(feedback, match.id, match.source);
      return;
    }
    if (mayWait && this.#options.matching.pending_seconds > 0 && !this.#stopped) {
      this.#wait(feedback);
      return;
    }
    await this.#giveUp(feedback);
  }

  async #match(feedback: CapturedFeedback): Promise<{ id: string; source: Source } | null> {
    const { tracker } = this.#options;
    const { matching } = this.#options;
    const time = Date.parse(feedback.time);
    if (feedback.prediction_id !== null) {
      const record = await tracker.getPrediction(feedback.prediction_id);
      return record && record.model_name === feedback.model_name ? { id: record.prediction_id, source: 'event_id' } : null;
    }
    if (feedback.parent_context_id !== null) {
      const recent = this.#recent.byContext(feedback.parent_context_id);
      if (recent && recent.model_name === feedback.model_name) return { id: recent.prediction_id, source: 'event_context' };
      const since = new Date(time - matching.context_lookback_seconds * 1000).toISOString();
      const [stored] = await tracker.findRecent(
        since,
        (record) => record.model_name === feedback.model_name && record.context['hub_context_id'] === feedback.parent_context_id,
        1,
      );
      if (stored) return { id: stored.prediction_id, source: 'event_context' };
    }
    if (feedback.device_id !== null) {
      const from = time - matching.window_seconds * 1000;
      const since = new Date(from).toISOString();
      const candidates = await tracker.findRecent(
        since,
        (record) =>
          record.model_name === feedback.model_name &&
          record.context['device_id'] === feedback.device_id &&
          Date.parse(record.timestamp) <= time &&
          isOpenToLabel(record),
        50,
      );
      const newest = candidates.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
      if (newest) return { id: newest.prediction_id, source: 'event_window' };
    }
    return null;
  }

  async #label(feedback: CapturedFeedback, predictionId: string, source: Source): Promise<void> {
    try {
      await this.#options.tracker.recordGroundTruth(predictionId, { ...feedback.label, source, labeled_at: feedback.time });
    } catch (error) {
      if (error instanceof InvalidInputError) {
        this.#refuse(feedback.event_type, `invalid_${error.issues[0]?.path ?? 'label'}`, error.message);
        return;
      }
      if (error instanceof NotFoundError) {
        await this.#giveUp(feedback);
        return;
      }
      throw error;
    }
    this.#count(feedback.event_type, 'labeled');
  }

  #wait(feedback: CapturedFeedback): void {
    const { matching, logger } = this.#options;
    if (this.#pending.size >= matching.pending_max) {
      const oldest = this.#pending.values().next().value as PendingFeedback;
      this.#pending.delete(oldest);
      clearTimeout(oldest.timer);
      logger.warn('too much feedback waiting for its prediction: gave up the oldest', { pending_max: matching.pending_max });
      this.#track(this.#giveUp(oldest.feedback));
    }
    const entry: PendingFeedback = {
      feedback,
      timer: setTimeout(() => {
        if (!this.#pending.delete(entry)) return;
        this.#track(this.#captureFeedback(feedback, false));
      }, matching.pending_seconds * 1000),
    };
    entry.timer.unref();
    this.#pending.add(entry);
  }

  /** A newly captured prediction may be the one waiting feedback answers. */
  async #releasePending(prediction: { prediction_id: string; model_name: string; context_id: string; device_id: string | null }): Promise<void> {
    for (const entry of [...this.#pending]) {
      const { feedback } = entry;
      if (feedback.model_name !== prediction.model_name) continue;
      const byId = feedback.prediction_id !== null && feedback.prediction_id === prediction.prediction_id;
      const byContext = feedback.prediction_id === null && feedback.parent_context_id === prediction.context_id;
      const byDevice = feedback.prediction_id === null && feedback.device_id !== null && feedback.device_id === prediction.device_id;
      if (!byId && !byContext && !byDevice) continue;
      this.#pending.delete(entry);
      clearTimeout(entry.timer);
      try {
        await this.#label(feedback, prediction.prediction_id, byId ? 'event_id' : byContext ? 'event_context' : 'event_window');
      } catch (error) {
        // The store refused the label, not the prediction: let the feedback wait again.
        if (!(error instanceof StorageUnavailableError)) throw error;
        this.#wait(feedback);
      }
    }
  }

  async #giveUp(feedback: CapturedFeedback): Promise<void> {
    if (feedback.unmatched) {
      // A suggestion accepted that was never announced: a prediction with its own ground truth.
      await this.#capturePrediction(feedback.event_type, feedback.unmatched, feedback.device_id, 'labeled');
      return;
    }
    this.#count(feedback.event_type, 'unmatched');
    this.#logOnce(`${feedback.event_type}:unmatched`, 'warn', `a ${feedback.event_type} event matched no prediction and was dropped`, {
      hint: 'send the prediction_id, or fire it from an automation triggered by the prediction event, or give a device_id',
    });
  }

  #track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) => {
      this.#options.logger.error('could not handle waiting feedback', { error: (error as Error).message });
    });
    this.#inFlight.add(guarded);
    void guarded.finally(() => this.#inFlight.delete(guarded));
  }

  #refuse(eventType: string, kind: string, reason: string): void {
    this.#count(eventType, 'refused');
    this.#logOnce(`${eventType}:refused:${kind}`, 'warn', `refused a ${eventType} event: ${reason}`, {
      hint: 'later events refused for the same reason are counted, not logged',
    });
  }

  #count(eventType: string, field: keyof CaptureCounts): void {
    let counts = this.#counts.get(eventType);
    if (!counts) {
      counts = { captured: 0, labeled: 0, duplicates: 0, refused: 0, unmatched: 0, failed: 0, dropped: 0 };
      this.#counts.set(eventType, counts);
    }
    counts[field] += 1;
  }

  #logOnce(kind: string, level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    if (this.#loggedKinds.has(kind)) return;
    this.#loggedKinds.add(kind);
    this.#options.logger[level](message, fields);
  }
}

/** A prediction a device-window match may label: unlabeled, or labeled only implicitly. */
function isOpenToLabel(record: PredictionLog): boolean {
  return record.correct === null || record.ground_truth_source === 'implicit';
}
