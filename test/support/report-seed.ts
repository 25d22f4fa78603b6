import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';

const DAY = 86_400_000;

/** Targets and label key of the seeded model `voice`. */
export const REPORT_CONFIG = {
  schema_version: 1,
  models: { voice: { label_key: 'person', targets: { accuracy: 0.8 } } },
} as const;

/**
 * Two weeks of `voice` predictions before `now`, 10 a day: the previous week 9 of 10 right each
 * day, this week 7 of 10 (the 3 wrong ones: alice taken for bob, all from context.device
 * "kitchen"). Returns the counts the report must show.
 */
export async function seedTwoPeriods(tracker: ModelPerformanceTracker, now: Date): Promise<{ previous: number; current: number }> {
  for (let day = 13; day >= 0; day -= 1) {
    const current = day < 7;
    for (let n = 0; n < 10; n += 1) {
      const at = new Date(now.getTime() - day * DAY - DAY + (n + 1) * 3_600_000);
      const wrong = current ? n < 3 : n < 1;
      const device = wrong || n % 2 === 0 ? 'kitchen' : 'hall';
      await tracker.logPrediction({
        model_name: 'voice',
        prediction: { person: wrong ? 'bob' : 'alice' },
        confidence: wrong ? 0.6 : 0.9,
        ground_truth: { person: 'alice' },
        context: { device },
        timestamp: at.toISOString(),
      });
    }
  }
  return { previous: 70, current: 70 };
}
