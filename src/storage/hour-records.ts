import type { PredictionLog } from '../domain/prediction.js';
import type { SealedSegment } from './sealed-segment.js';
import { groupHoldsHour } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

const HOUR_MS = 3_600_000;

/** One model version's raw records of one hour, and whether retention had dropped any of them. */
export interface HourRecords {
  records: PredictionLog[];
  /** False when a segment holding records of this hour had its raw records dropped by retention. */
  complete: boolean;
}

/**
 * A segment's records of one model version and hour, filtered once per records array: a parsed
 * sealed file (a new parse, after a rewrite or a cache eviction, is a new array), or the open
 * segment's records as a commit published them (each commit publishes a new array; a published
 * one is never changed). The edge hours of a time window stay the same for an hour, and
 * filtering 1000 records per query (a Date.parse each) was the rest of its CPU.
 */
const hoursOf = new WeakMap<readonly PredictionLog[], Map<string, PredictionLog[]>>();

function recordsInHour(all: readonly PredictionLog[], key: string, inHour: (record: PredictionLog) => boolean): readonly PredictionLog[] {
  let hours = hoursOf.get(all);
  if (!hours) {
    hours = new Map();
    hoursOf.set(all, hours);
  }
  let records = hours.get(key);
  if (!records) {
    records = all.filter(inHour);
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
  const key = `${model}\t${version}\t${hour}`;
  const records: PredictionLog[] = state.open ? recordsInHour(state.open.data.records, key, inHour).slice() : [];
  let complete = true;
  for (const [segment, summary] of state.sealed) {
    if (!holdsHour(summary, model, version, hour)) continue;
    if (summary.raw_dropped) {
      complete = false;
      continue;
    }
    const { data } = await state.loadSealed(segment);
    records.push(...recordsInHour(data.records, key, inHour));
  }
  return { records, complete };
}
