import type { PredictionLog } from '../domain/prediction.js';
import type { SealedSegment } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

/** A stored record and where it sorts: by timestamp (ms), then by arrival (seq). */
interface Entry {
  seq: number;
  ms: number;
  record: PredictionLog;
}

/** A sealed segment not read yet, and the newest timestamp it may hold of what is asked. */
interface Pending {
  segment: number;
  newestMs: number;
}

/** Which records to read: one model's only, and/or those after the record with this seq. */
export interface NewestFirstOptions {
  model?: string;
  /** Only records that sort after (older than) the record with this seq: the cursor of a page. */
  afterSeq?: number;
}

const newerFirst = (a: Entry, b: Entry) => b.ms - a.ms || b.seq - a.seq;

/** Where the record with `seq` sorts; for a record whose raw segment retention dropped, its segment's newest timestamp. */
async function positionOf(state: StoreState, seq: number): Promise<{ ms: number; seq: number }> {
  const open = state.open?.data;
  if (open && seq >= open.first_seq && seq < open.first_seq + open.records.length) {
    return { ms: Date.parse(open.records[seq - open.first_seq]!.timestamp), seq };
  }
  for (const [segment, summary] of state.sealed) {
    if (seq < summary.first_seq || seq >= summary.first_seq + summary.record_count) continue;
    if (summary.raw_dropped) return { ms: summary.max_ms ?? Infinity, seq };
    const { data } = await state.loadSealed(segment);
    return { ms: Date.parse(data.records[seq - data.first_seq]!.timestamp), seq };
  }
  return { ms: Infinity, seq };
}

/** The newest timestamp a sealed segment holds of `model` (of any model when none is asked); null when it holds none. */
export function newestOf(summary: SealedSegment, model: string | undefined): number | null {
  if (summary.raw_dropped || summary.record_count === 0 || summary.max_ms === null) return null;
  if (model === undefined) return summary.max_ms;
  let newest: number | null = null;
  for (const group of summary.groups) {
    if (group.model_name !== model) continue;
    const ms = Date.parse(group.last_timestamp);
    if (newest === null || ms > newest) newest = ms;
  }
  return newest;
}

/**
 * Stored records from the newest timestamp to the oldest (ties: the later arrival first).
 *
 * Records arrive roughly in time order, but backfills break that, so this merges segments by the
 * time ranges their summaries record: a sealed segment is read (through the segment cache) only
 * once the next record to give could be older than its newest one, and segments that hold nothing
 * of `model` are never read. With records in time order that is one segment at a time; a
 * segment holding backfilled predictions is read when the listing reaches its newest timestamp
 * and held (sorted) while it overlaps. Raw records that retention dropped are not listed.
 */
export async function* newestFirstByTime(state: StoreState, options: NewestFirstOptions = {}): AsyncGenerator<{ seq: number; record: PredictionLog }> {
  const { model } = options;
  const after = options.afterSeq === undefined ? null : await positionOf(state, options.afterSeq);
  const wanted = (entry: Entry) =>
    (model === undefined || entry.record.model_name === model) && (after === null || entry.ms < after.ms || (entry.ms === after.ms && entry.seq < after.seq));

  const active: { entries: Entry[]; next: number }[] = [];
  const activate = (records: readonly PredictionLog[], firstSeq: number) => {
    const entries = records.map((record, index) => ({ seq: firstSeq + index, ms: Date.parse(record.timestamp), record })).filter(wanted);
    if (entries.length > 0) active.push({ entries: entries.sort(newerFirst), next: 0 });
  };
  if (state.open) activate(state.open.data.records, state.open.data.first_seq);

  const pending: Pending[] = [];
  for (const [segment, summary] of state.sealed) {
    const newest = newestOf(summary, model);
    if (newest === null) continue;
    if (after !== null && summary.min_ms !== null && summary.min_ms > after.ms) continue;
    pending.push({ segment, newestMs: after === null ? newest : Math.min(newest, after.ms) });
  }
  pending.sort((a, b) => b.newestMs - a.newestMs || b.segment - a.segment);

  let nextPending = 0;
  for (;;) {
    let best: { entries: Entry[]; next: number } | undefined;
    for (const source of active) {
      if (source.next < source.entries.length && (best === undefined || newerFirst(source.entries[source.next]!, best.entries[best.next]!) < 0)) best = source;
    }
    const head = best?.entries[best.next];
    const candidate = pending[nextPending];
    if (candidate !== undefined && (head === undefined || candidate.newestMs >= head.ms)) {
      nextPending += 1;
      const { data } = await state.loadSealed(candidate.segment);
      activate(data.records, data.first_seq);
      continue;
    }
    if (best === undefined || head === undefined) return;
    best.next += 1;
    if (best.next === best.entries.length) active.splice(active.indexOf(best), 1);
    yield { seq: head.seq, record: head.record };
  }
}
