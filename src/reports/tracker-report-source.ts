import type { ExperimentReport } from '../domain/experiments.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { LabelResolver } from '../tracker/label-resolver.js';
import { countWindow } from '../tracker/window-counts.js';
import { resolveWindow } from '../tracker/window.js';
import { point } from './report-figures.js';
import { rankContextKeys, type Range, type ReportSource } from './report-source.js';
import { getSlices, type SlicesTracker } from '../tracker/build-slices.js';

/** How many of the newest predictions the slice fields are chosen from. */
export const CONTEXT_SAMPLE = 500;

/** Keeps the records stamped inside a range. */
export function inRange(records: PredictionLog[], range: Range): PredictionLog[] {
  const from = Date.parse(range.since);
  const to = Date.parse(range.until);
  return records.filter((record) => {
    const at = Date.parse(record.timestamp);
    return at >= from && at < to;
  });
}

/** The report's source inside the service: the tracker and the experiments, asked directly. */
export class TrackerReportSource implements ReportSource {
  readonly #labels: LabelResolver;

  constructor(
    private readonly tracker: Pick<ModelPerformanceTracker, 'modelNames' | 'getPerformance' | 'getDrift' | 'getPredictions' | 'store' | 'config'> & SlicesTracker,
    private readonly listExperiments: () => Promise<ExperimentReport[]>,
  ) {
    this.#labels = new LabelResolver(tracker.config.models);
  }

  /**
   * From the hourly aggregates (the counting `getPerformance` does, without its label-free
   * estimate, which scans raw records from the newest back to each bucket).
   */
  async accuracySeries(model: string, version: string, buckets: Range[]) {
    const points = [];
    for (const bucket of buckets) {
      const window = resolveWindow(undefined, bucket.since, bucket.until, new Date(bucket.until));
      points.push(point(bucket, await countWindow(this.tracker.store, this.#labels.contribute, model, version, window)));
    }
    return points;
  }

  async modelNames() {
    return this.tracker.modelNames();
  }

  performance(model: string, range: Range) {
    return this.tracker.getPerformance(model, { since: range.since, until: range.until });
  }

  drift(model: string, current: Range, reference: Range) {
    return this.tracker.getDrift(model, { since: current.since, until: current.until, reference_since: reference.since, reference_until: reference.until });
  }

  slices(model: string, by: string, range: Range) {
    return getSlices(this.tracker, model, { by, since: range.since, until: range.until });
  }

  async contextKeys(model: string, range: Range) {
    const page = await this.tracker.getPredictions(model, { limit: CONTEXT_SAMPLE });
    return rankContextKeys(inRange(page.predictions, range));
  }

  experiments() {
    return this.listExperiments();
  }
}
