import type { Logger } from '../logging/logger.js';
import { NotFoundError } from '../tracker/errors.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { ImplicitLabel } from './hub-config.js';

interface ImplicitLabelerOptions {
  tracker: ModelPerformanceTracker;
  /** model → rule; models without a rule are never labeled implicitly. */
  rules: Readonly<Record<string, ImplicitLabel>>;
  logger: Logger;
  now?: () => Date;
}

/**
 * Labels predictions nobody answered: after `after_seconds` with no feedback, a voice
 * identification counts as correct and a suggestion as rejected (as configured per model).
 * Labels carry `ground_truth_source: "implicit"`; explicit feedback later replaces them.
 */
export class ImplicitLabeler {
  readonly #options: ImplicitLabelerOptions;
  readonly #now: () => Date;

  constructor(options: ImplicitLabelerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Labels every due, unlabeled prediction; resolves with how many were labeled. */
  async sweep(): Promise<number> {
    const { tracker, rules, logger } = this.#options;
    let labeled = 0;
    const now = this.#now().getTime();
    for (const [model, rule] of Object.entries(rules)) {
      const due = now - rule.after_seconds * 1000;
      // Reach back one more hour (or as far as the delay again) to catch up after downtime.
      const since = new Date(due - Math.max(rule.after_seconds * 1000, 3_600_000)).toISOString();
      const records = await tracker.findRecent(
        since,
        (record) => record.model_name === model && record.correct === null && Date.parse(record.timestamp) <= due,
        10_000,
      );
      const label = rule.label === 'correct' ? { correct: true } : { ground_truth: rule.label.ground_truth };
      // All at once: the store commits them together (one append and one fdatasync for the sweep,
      // not one per label; a catch-up after downtime can label thousands).
      const results = await Promise.allSettled(
        records.map((record) => tracker.recordGroundTruth(record.prediction_id, { ...label, source: 'implicit' }, { onlyIfUnlabeled: true })),
      );
      for (const result of results) {
        if (result.status === 'fulfilled') {
          if (result.value.ground_truth_source === 'implicit') labeled += 1;
        } else if (!(result.reason instanceof NotFoundError)) {
          throw result.reason;
        }
      }
    }
    if (labeled > 0) logger.info('labeled unanswered predictions implicitly', { labeled });
    return labeled;
  }
}
