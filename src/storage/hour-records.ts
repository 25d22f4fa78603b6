import type { PredictionLog } from '../domain/prediction.js';
import type { SealedSegment } from './sealed-segment.js';
import { groupHoldsHour } from './sealed-segment.js';
import type { SegmentFile } from './segment-files.js';
import type { StoreState } from './store-state.js';

const HOUR_MS = 3_600_000;

/** One model version's raw records of one hour, and whether retention had dropped any of them. */
export interface HourRecords {
  records: PredictionLog[];
  /** False when a segment holding records of this hour had its raw records dropped by retention. */
  complete: boolean;
}

/**
 * A parsed sealed segment's records of one model version and hour, filtered once per parsed file
 * (a new parse, after a rewrite or a cache eviction, is a new object): the edge hours of a time
 * window stay the same for an hour, and filtering 1000 records per query was the rest of its CPU.
 */
const hoursOf = new WeakMap<SegmentFile, Map<string, PredictionLog[]>>();

function sealedHour(data: SegmentFile, key: string, inHour: (record: PredictionLog) => boolean): PredictionLog[] {
  let hours = hoursOf.get(data);
  if (!hours) {
    hours = new Map();
    hoursOf.set(data, hours);
  }
  let records = hours.get(key);
  if (!records) {
    records = data.records.filter(inHour);
    hours.set(key, records);
  }
  return records;
}

/** Whether a sealed segment's summary counts records of this model version in the hour starting at `hour`. */
function holdsHour(summary: SealedSegment, model: string, version: string, hour: number): boolean {
  // Bounds parsed once per segment (sealedSegmentOf): a time-window query looks at every sealed segment.
  if (summary.min_ms === null || summary.max_ms === null || summary.max_ms < hour || summary.min_ms >= hour + HOUR_MS) return false;
  return summary.groups.some((group) => group.model_name === model && group.model_version === version && groupHoldsHour(group, hour));
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
  for (const [segment, summary] of state.sealed) {
    if (!holdsHour(summary, model, version, hour)) continue;
    if (summary.raw_dropped) {
      complete = false;
      continue;
    }
    const { data } = await state.loadSealed(segment);
    records.push(...sealedHour(data, `${model}\t${version}\t${hour}`, inHour));
  }
  return { records, complete };
}
