import type { CapturedFeedback } from './captured-feedback.js';
import { matchWaitingFeedback, type MatchSource } from './match-feedback.js';
import type { RecentPrediction } from './recent-predictions.js';

interface PendingFeedbackOptions {
  /** At most this many wait at once; the oldest is pushed out first. */
  max: number;
  /** How long each waits for its prediction. */
  waitMs: number;
  /** The wait ran out with no prediction: the owner tries once more, then gives up. */
  onTimeout: (feedback: CapturedFeedback) => void;
  /** Pushed out by newer feedback because `max` were waiting. */
  onPushedOut: (feedback: CapturedFeedback) => void;
}

interface Entry {
  feedback: CapturedFeedback;
  timer: NodeJS.Timeout;
}

/** Feedback that came before its prediction, waiting a bounded time (and in bounded number) for it. */
export class PendingFeedback {
  readonly #options: PendingFeedbackOptions;
  readonly #entries = new Set<Entry>();

  constructor(options: PendingFeedbackOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  add(feedback: CapturedFeedback): void {
    if (this.#entries.size >= this.#options.max) {
      const oldest = this.#entries.values().next().value as Entry;
      this.#entries.delete(oldest);
      clearTimeout(oldest.timer);
      this.#options.onPushedOut(oldest.feedback);
    }
    const entry: Entry = {
      feedback,
      timer: setTimeout(() => {
        if (this.#entries.delete(entry)) this.#options.onTimeout(feedback);
      }, this.#options.waitMs),
    };
    entry.timer.unref();
    this.#entries.add(entry);
  }

  /**
   * The waiting feedback that answers `prediction`, with how it matched. Each is taken out of the
   * queue as the caller reaches it (the caller may await between them).
   */
  *answering(prediction: RecentPrediction): Generator<{ feedback: CapturedFeedback; source: MatchSource }> {
    for (const entry of [...this.#entries]) {
      const source = matchWaitingFeedback(entry.feedback, prediction);
      if (source === null) continue;
      this.#entries.delete(entry);
      clearTimeout(entry.timer);
      yield { feedback: entry.feedback, source };
    }
  }

  /** Gives up every waiting feedback and its timer. */
  clear(): void {
    for (const entry of this.#entries) clearTimeout(entry.timer);
    this.#entries.clear();
  }
}
