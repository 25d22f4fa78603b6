import type { PredictionLog } from '../domain/prediction.js';
import type { SegmentSummary } from './segment-files.js';
import type { StoreState } from './store-state.js';

const HOUR_MS = 3_600_000;

/** One model version's raw records of one hour, and whether retention had dropped any of them. */
export interface HourRecords {
  records: PredictionLog[];
  /** False when a segment holding records of this hour had its raw records dropped by retention. */
  complete: boolean;
}

/** Whether a sealed segment's summary counts records of this model version in the hour starting at `hour`. */
function holdsHour(summary: SegmentSummary, model: string, version: string, hour: number): boolean {
  if (summary.min_timestamp === null || summary.max_timestamp === null) return false;
  if (Date.parse(summary.max_timestamp) < hour || Date.parse(summary.min_timestamp) >= hour + HOUR_MS) return false;
  return summary.groups.some(
    (group) => group.model_name === model && group.model_version === version && group.buckets.some((bucket) => bucket.hour === hour),
  );
}

/**
 * The raw records of one model version whose timestamp falls in the hour starting at `hour`.
 * Reads only the open segment (in memory) and the sealed segments whose summaries count records
 * of that version in that hour: usually one or two, more only when backfilled predictions of that
 * hour arrived at other times. Each is read once, through the segment cache.
 */
export async function recordsOfHour(state: StoreState, model: string, version: string, hour: number): Promise<HourRecords> {
  const inHour = (record: PredictionLog) => {
    if (record.model_name !== model || record.model_version !== version) return false;
    const at = Date.parse(record.timestamp);
    return at >= hour && at < hour + HOUR_MS;
  };
  const records: PredictionLog[] = state.open ? state.open.data.records.filter(inHour) : [];
  let complete = true;
  for (const [segment, { summary }] of state.sealed) {
    if (!holdsHour(summary, model, version, hour)) continue;
    if (summary.raw_dropped) {
      complete = false;
      continue;
    }
    const { data } = await state.loadSealed(segment);
    records.push(...data.records.filter(inHour));
  }
  return { records, complete };
}
