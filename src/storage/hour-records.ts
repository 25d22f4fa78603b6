import type { PredictionLog } from '../domain/prediction.js';
import { firstAtOrAfter } from './first-at-or-after.js';
import type { SealedSegment } from './sealed-segment.js';
import { groupHoldsHour } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

const HOUR_MS = 3_600_000;

/**
 * One segment's records of one model version and hour, in the order they were stored, with their
 * timestamps parsed once (`ms[i]` is `records[i]`'s) and sorted (`sortedMs`), so a window can
 * tell which of them it holds by two binary searches instead of a Date.parse per record.
 */
export interface HourPart {
  readonly records: readonly PredictionLog[];
  readonly ms: Float64Array;
  readonly sortedMs: Float64Array;
}

/** One model version's raw records of one hour, and whether retention had dropped any of them. */
export interface HourRecords {
  /** The open segment's part first, then the sealed segments' in the store's order. */
  parts: HourPart[];
  /** False when a segment holding records of this hour had its raw records dropped by retention. */
  complete: boolean;
}

/**
 * A segment's records of one model version and hour, filtered once per records array: a parsed
 * sealed file (a new parse, after a rewrite or a cache eviction, is a new array), or the open
 * segment's records as a commit published them (each commit publishes a new array; a published
 * one is never changed). The edge hours of a time window stay the same for an hour, and
 * filtering 1000 records per query (a Date.parse each) was the rest of its CPU. A part is the
 * same object for as long as its records array is: readers may key what they derive from it on it.
 */
const hoursOf = new WeakMap<readonly PredictionLog[], Map<string, HourPart>>();

function partOf(all: readonly PredictionLog[], key: string, inHour: (record: PredictionLog) => boolean): HourPart {
  let hours = hoursOf.get(all);
  if (!hours) {
    hours = new Map();
    hoursOf.set(all, hours);
  }
  let part = hours.get(key);
  if (!part) {
    const records = all.filter(inHour);
    const ms = Float64Array.from(records, (record) => Date.parse(record.timestamp));
    part = { records, ms, sortedMs: ms.slice().sort() };
    hours.set(key, part);
  }
  return part;
}

/** How many of a part's records are stamped in [fromMs, toMs) (null: no bound): from its sorted timestamps. */
export function partRange(part: HourPart, fromMs: number | null, toMs: number | null): { first: number; end: number } {
  const first = fromMs === null ? 0 : firstAtOrAfter(part.sortedMs, fromMs);
  const end = toMs === null ? part.sortedMs.length : firstAtOrAfter(part.sortedMs, toMs);
  return { first, end: Math.max(first, end) };
}

/** Whether a sealed segment's summary counts records of this model version in the hour starting at `hour`. */
function holdsHour(summary: SealedSegment, model: string, version: string, hour: number): boolean {
  // Bounds parsed once per segment (sealedSegmentOf): a time-window query looks at every sealed segment.
  if (summary.min_ms === null || summary.max_ms === null || summary.max_ms < hour || summary.min_ms >= hour + HOUR_MS) return false;
  for (const group of summary.groups) if (group.model_name === model && group.model_version === version && groupHoldsHour(group, hour)) return true;
  return false;
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
  const parts: HourPart[] = [];
  if (state.open) {
    const part = partOf(state.open.data.records, key, inHour);
    if (part.records.length > 0) parts.push(part);
  }
  // forEach, not for-of over entries: a query looks at every sealed segment, and an entry array per segment was most of its garbage.
  const holding: number[] = [];
  let complete = true;
  state.sealed.forEach((summary, segment) => {
    if (!holdsHour(summary, model, version, hour)) return;
    if (summary.raw_dropped) complete = false;
    else holding.push(segment);
  });
  for (const segment of holding) {
    const { data } = await state.loadSealed(segment);
    parts.push(partOf(data.records, key, inHour));
  }
  return { parts, complete };
}
