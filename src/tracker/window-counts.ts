import type { PredictionLog } from '../domain/prediction.js';
import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts } from '../metrics/bucket-counts.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import type { ResolvedWindow } from './window.js';
import { inTimeWindow } from './window.js';

const HOUR_MS = 3_600_000;
const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** What the counting needs of the store. */
export type WindowSource = Pick<PredictionStore, 'aggregates' | 'recordsOfHour' | 'newestFirst'>;

/**
 * One model version's counts over a window, equal to a scan of the raw records:
 * - `all`: the all-time aggregates;
 * - a time window [from, to): the hourly aggregates of the hours wholly inside it, plus the raw
 *   records of the (at most two) hours it cuts, filtered to the millisecond. An edge hour whose raw
 *   records retention dropped is counted whole from its aggregates (the window widens to it);
 * - the last N labeled predictions (newest timestamps first), with every prediction stamped since
 *   the oldest of them.
 */
export async function countWindow(
  source: WindowSource,
  contribute: (record: PredictionLog) => Contribution,
  model: string,
  version: string,
  window: ResolvedWindow,
): Promise<BucketCounts> {
  const aggregates = source.aggregates;
  if (window.kind === 'all') return aggregates.sum(model, version, null, null);
  const counts = emptyCounts();
  if (window.kind === 'count') {
    for await (const { record } of source.newestFirst({ model })) {
      if (record.model_version !== version) continue;
      applyContribution(counts, contribute(record), 1);
      if (counts.labeled === window.count) break;
    }
    return counts;
  }
  const { fromMs, toMs } = window;
  const edges = new Set<number>();
  if (fromMs !== null && floorHour(fromMs) !== fromMs) edges.add(floorHour(fromMs));
  if (toMs !== null && floorHour(toMs) !== toMs) edges.add(floorHour(toMs));
  // Whole hours: those starting at or after `from` and ending at or before `to`.
  const firstWhole = fromMs === null ? null : floorHour(fromMs) === fromMs ? fromMs : floorHour(fromMs) + HOUR_MS;
  const lastWhole = toMs === null ? null : floorHour(toMs) - HOUR_MS;
  if (firstWhole === null || lastWhole === null || firstWhole <= lastWhole) {
    mergeCounts(counts, aggregates.sum(model, version, firstWhole, lastWhole));
  }
  for (const hour of edges) {
    const { records, complete } = await source.recordsOfHour(model, version, hour);
    if (!complete) {
      mergeCounts(counts, aggregates.sum(model, version, hour, hour));
      continue;
    }
    for (const record of records) if (inTimeWindow(record, window)) applyContribution(counts, contribute(record), 1);
  }
  return counts;
}
