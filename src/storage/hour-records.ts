import type { PredictionLog } from '../domain/prediction.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import type { StoreState } from './store-state.js';

const HOUR_MS = 3_600_000;

/** One model version's raw records of one hour, and whether retention had dropped any of them. */
export interface HourRecords {
  records: PredictionLog[];
  /** False when a segment holding records of this hour had its raw records dropped by retention. */
  complete: boolean;
}

/**
 * A summary's timestamp bounds in ms, parsed once per summary object (summaries are replaced,
 * never changed in place, when a segment is rewritten): a time-window query walks every sealed
 * summary, and parsing two ISO strings for each of 1000 segments was most of its CPU.
 */
const boundsOf = new WeakMap<SegmentSummary, { min: number; max: number } | null>();

function bounds(summary: SegmentSummary): { min: number; max: number } | null {
  let known = boundsOf.get(summary);
  if (known === undefined) {
    known = summary.min_timestamp === null || summary.max_timestamp === null ? null : { min: Date.parse(summary.min_timestamp), max: Date.parse(summary.max_timestamp) };
    boundsOf.set(summary, known);
  }
  return known;
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
function holdsHour(summary: SegmentSummary, model: string, version: string, hour: number): boolean {
  const range = bounds(summary);
  if (range === null || range.max < hour || range.min >= hour + HOUR_MS) return false;
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
    records.push(...sealedHour(data, `${model}\t${version}\t${hour}`, inHour));
  }
  return { records, complete };
}
