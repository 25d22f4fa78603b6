import type { Drift } from '../domain/drift.js';
import type { ExperimentReport } from '../domain/experiments.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { Slices } from '../domain/slices.js';
import type { Point } from './report-model.js';

/** A range of instants: since included, until excluded. */
export interface Range {
  since: string;
  until: string;
}

/**
 * What a report reads: the tracker's answers. The service hands in the tracker itself
 * (tracker-report-source.ts); the CLI its metrics source (the data directory or `--url`).
 */
export interface ReportSource {
  modelNames(): Promise<string[]>;
  performance(model: string, range: Range): Promise<ModelPerformance>;
  drift(model: string, current: Range, reference: Range): Promise<Drift>;
  slices(model: string, by: string, range: Range): Promise<Slices>;
  /** The context keys of the model's newest predictions in the range (a sample), most frequent first. */
  contextKeys(model: string, range: Range): Promise<string[]>;
  experiments(): Promise<ExperimentReport[]>;
  /** Accuracy and labeled count of one version in each bucket (the daily line). */
  accuracySeries(model: string, version: string, buckets: Range[]): Promise<Point[]>;
}

/** Counts the top-level context keys of records, most frequent first (ties by name). */
export function rankContextKeys(records: Iterable<{ context?: Record<string, unknown> | undefined }>): string[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    for (const [key, value] of Object.entries(record.context ?? {})) {
      // Objects and arrays make poor slices (one value each); scalars only.
      if (value === null || typeof value === 'object') continue;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key]) => key);
}
