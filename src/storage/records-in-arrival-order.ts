import type { PredictionLog } from '../domain/prediction.js';
import type { SealedSegment } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

/** Which records to read: one model's (and version's) only, and/or a time range. */
export interface ArrivalOrderOptions {
  model?: string;
  version?: string;
  /** Only records whose timestamp is at or after this instant (ms since the epoch). */
  sinceMs?: number;
  /** Only records whose timestamp is before this instant (ms since the epoch). */
  untilMs?: number;
}

/** What a listing reads: the sealed segments that may hold wanted records, ascending, and a copy of the open segment's records. */
export interface ArrivalSnapshot {
  sealed: number[];
  open: readonly PredictionLog[];
}

/** True when a sealed segment's summary says it may hold a wanted record (raw records present, model/version and time range overlap). */
function mayHold(summary: SealedSegment, options: ArrivalOrderOptions): boolean {
  if (summary.raw_dropped || summary.record_count === 0 || summary.min_ms === null || summary.max_ms === null) return false;
  if (options.model !== undefined || options.version !== undefined) {
    const held = summary.groups.some(
      (group) => (options.model === undefined || group.model_name === options.model) && (options.version === undefined || group.model_version === options.version),
    );
    if (!held) return false;
  }
  if (options.sinceMs !== undefined && summary.max_ms < options.sinceMs) return false;
  if (options.untilMs !== undefined && summary.min_ms >= options.untilMs) return false;
  return true;
}

/**
 * The segments to read, taken at one instant (between commits): records stored after it are not
 * listed, and a segment sealed after it is read from the copy of the open segment taken here.
 */
export function takeArrivalSnapshot(state: StoreState, options: ArrivalOrderOptions): ArrivalSnapshot {
  const sealed = [...state.sealed.values()]
    .filter((summary) => mayHold(summary, options))
    .map((summary) => summary.segment)
    .sort((a, b) => a - b);
  return { sealed, open: state.open ? state.open.data.records.slice() : [] };
}

function wanted(record: PredictionLog, options: ArrivalOrderOptions): boolean {
  if (options.model !== undefined && record.model_name !== options.model) return false;
  if (options.version !== undefined && record.model_version !== options.version) return false;
  if (options.sinceMs === undefined && options.untilMs === undefined) return true;
  const ms = Date.parse(record.timestamp);
  return (options.sinceMs === undefined || ms >= options.sinceMs) && (options.untilMs === undefined || ms < options.untilMs);
}

/**
 * Records in the order they were stored (ascending seq), one sealed segment at a time: a segment
 * is read only when the consumer asks for the record after the previous segment's last one, and
 * it is not put in the segment cache (an export of the whole history would evict what queries
 * use). So memory holds one segment, whatever the store's size. A segment whose raw records
 * retention dropped meanwhile is skipped, as it would have been had the snapshot been taken later.
 */
export async function* recordsInArrivalOrder(state: StoreState, snapshot: ArrivalSnapshot, options: ArrivalOrderOptions): AsyncGenerator<PredictionLog> {
  for (const segment of snapshot.sealed) {
    const current = state.sealed.get(segment);
    if (current === undefined || current.raw_dropped) continue;
    const data = state.inMemory(segment)?.data ?? (await state.files.readSegment(segment));
    for (const record of data.records) if (wanted(record, options)) yield record;
  }
  for (const record of snapshot.open) if (wanted(record, options)) yield record;
}
