import { AggregateIndex } from './aggregate-index.js';
import type { StoreState } from './store-state.js';

/**
 * Recomputes the aggregates from the raw records (and, for segments whose raw records retention
 * dropped, from their stored summaries), without touching the live ones in `state`.
 */
export async function rebuildAggregates(state: StoreState): Promise<AggregateIndex> {
  const { contribute } = state.options;
  const rebuilt = new AggregateIndex();
  for (const [segment, summary] of [...state.sealed].sort(([a], [b]) => a - b)) {
    // Memory keeps no counts: a segment whose raw records are dropped has them in its summary file only.
    const source = summary.raw_dropped ? await state.files.readSummary(segment) : state.summarize(state.deferred.get(segment)?.data ?? (await state.files.readSegment(segment)));
    for (const group of source.groups) rebuilt.addGroup(group);
  }
  const open = state.open;
  open?.data.records.forEach((record, index) => {
    rebuilt.apply(contribute(record), 1, open.data.first_seq + index, record.timestamp);
  });
  return rebuilt;
}
