import type { Range, ReportSource } from '../reports/report-source.js';
import { rankContextKeys } from '../reports/report-source.js';
import { CONTEXT_SAMPLE, inRange } from '../reports/tracker-report-source.js';
import { point } from '../reports/report-figures.js';
import type { MetricsSource } from './metrics-source.js';

/** The report's source in the CLI: the data directory (read-only) or a running service (`--url`). */
export class MetricsReportSource implements ReportSource {
  constructor(private readonly source: MetricsSource) {}

  async modelNames() {
    return (await this.source.listModels()).value.models.map((model) => model.model_name);
  }

  async performance(model: string, range: Range) {
    return (await this.source.getPerformance(model, { since: range.since, until: range.until })).value;
  }

  async drift(model: string, current: Range, reference: Range) {
    const query = { since: current.since, until: current.until, reference_since: reference.since, reference_until: reference.until };
    return (await this.source.getDrift(model, query)).value;
  }

  async slices(model: string, by: string, range: Range) {
    return (await this.source.getSlices(model, { by, since: range.since, until: range.until, limit: 20 })).value;
  }

  async contextKeys(model: string, range: Range) {
    const page = (await this.source.getPredictions(model, { limit: CONTEXT_SAMPLE })).value;
    return rankContextKeys(inRange(page.predictions, range));
  }

  /** One performance query per bucket (the REST API has no lighter one). */
  async accuracySeries(model: string, version: string, buckets: Range[]) {
    const points = [];
    for (const bucket of buckets) {
      const performance = (await this.source.getPerformance(model, { version, since: bucket.since, until: bucket.until })).value;
      points.push(point(bucket, { labeled: performance.labeled_predictions, correct: performance.correct_predictions }));
    }
    return points;
  }

  async experiments() {
    return (await this.source.listExperiments()).value.experiments;
  }
}
