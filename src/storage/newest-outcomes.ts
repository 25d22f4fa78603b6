import { newestOf } from './newest-first.js';
import type { OutcomeColumns, OutcomeColumnsCache, SegmentOutcomes } from './outcome-columns.js';
import { outcomesOf, outcomesOfRecords } from './outcome-columns.js';
import { SegmentCheckUnavailableError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/**
 * Reads a sealed segment's outcome columns somewhere else (the segment check's worker thread,
 * while it runs); rejects with SegmentCheckUnavailableError once it cannot, CorruptFileError when
 * the segment does not read.
 */
export interface OutcomeReader {
  readOutcomes(segment: number): Promise<SegmentOutcomes>;
}

/** Says whether to go on (false: stop) after the record at `index` of `columns`. */
export type OutcomeVisitor = (columns: OutcomeColumns, index: number) => boolean;

/** One segment's columns of the model and how far the listing has read them. */
interface Source {
  columns: OutcomeColumns;
  next: number;
}

/** Whether the record at `a.next` sorts before (is newer than) the one at `b.next`: `newestFirst`'s order. */
function newer(a: Source, b: Source): boolean {
  const aMs = a.columns.ms[a.next]!;
  const bMs = b.columns.ms[b.next]!;
  return aMs > bMs || (aMs === bMs && a.columns.seq[a.next]! > b.columns.seq[b.next]!);
}

/**
 * A sealed segment's outcome columns: derived from its parsed file when the segment cache holds
 * it, else kept from an earlier read, else read from disk without caching the parsed records.
 */
async function sealedOutcomes(state: StoreState, kept: OutcomeColumnsCache, segment: number, reader: OutcomeReader | null): Promise<SegmentOutcomes> {
  const cached = state.inMemory(segment);
  if (cached) return outcomesOfRecords(cached.data.records, cached.data.first_seq);
  const summary = state.sealed.get(segment);
  const found = kept.get(segment, summary);
  if (found) return found;
  const outcomes = await readOutcomes(state, segment, reader);
  const now = state.sealed.get(segment);
  if (now !== undefined && now === summary) kept.set(segment, now, outcomes, recordCount(outcomes));
  return outcomes;
}

/** Off the main thread while a reader is there (the parse and its garbage stay in its heap), else here. */
async function readOutcomes(state: StoreState, segment: number, reader: OutcomeReader | null): Promise<SegmentOutcomes> {
  if (reader !== null) {
    try {
      return await reader.readOutcomes(segment);
    } catch (error) {
      if (!(error instanceof SegmentCheckUnavailableError)) throw error;
    }
  }
  const data = await state.files.readSegment(segment);
  return outcomesOf(data.records, data.first_seq);
}

function recordCount(outcomes: SegmentOutcomes): number {
  let count = 0;
  for (const columns of outcomes.values()) count += columns.ms.length;
  return count;
}

/**
 * Hands `visit` one model's records from the newest timestamp to the oldest (ties: the later
 * arrival first) as outcome columns, until it returns false: the records, and the order, of
 * `newestFirstByTime(state, { model })`, whose merge of segments by their summaries' time ranges
 * this is, without keeping any segment's parsed records (what the label-free estimate reads).
 */
export async function visitNewestOutcomes(
  state: StoreState,
  read: { kept: OutcomeColumnsCache; reader: OutcomeReader | null },
  model: string,
  visit: OutcomeVisitor,
): Promise<void> {
  const active: Source[] = [];
  const activate = (outcomes: SegmentOutcomes) => {
    const columns = outcomes.get(model);
    if (columns !== undefined && columns.ms.length > 0) active.push({ columns, next: 0 });
  };
  if (state.open) activate(outcomesOfRecords(state.open.data.records, state.open.data.first_seq));

  const pending: { segment: number; newestMs: number }[] = [];
  for (const [segment, summary] of state.sealed) {
    const newest = newestOf(summary, model);
    if (newest !== null) pending.push({ segment, newestMs: newest });
  }
  pending.sort((a, b) => b.newestMs - a.newestMs || b.segment - a.segment);

  let nextPending = 0;
  for (;;) {
    let best: Source | undefined;
    for (const source of active) if (best === undefined || newer(source, best)) best = source;
    const candidate = pending[nextPending];
    if (candidate !== undefined && (best === undefined || candidate.newestMs >= best.columns.ms[best.next]!)) {
      nextPending += 1;
      activate(await sealedOutcomes(state, read.kept, candidate.segment, read.reader));
      continue;
    }
    if (best === undefined) return;
    const index = best.next;
    best.next += 1;
    if (best.next === best.columns.ms.length) active.splice(active.indexOf(best), 1);
    if (!visit(best.columns, index)) return;
  }
}
