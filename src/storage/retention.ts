import type { SegmentSummary } from './segment-files.js';
import type { StoreState } from './store-state.js';

/**
 * Drops the raw records of sealed segments older than the retention age, oldest first: each
 * summary is marked first, then the raw file removed (start-up finishes a removal a stop
 * interrupted). Their aggregates stay. Runs alone, between commits.
 */
export async function dropExpiredSegments(state: StoreState): Promise<{ segments: number; records: number }> {
  const dropped = { segments: 0, records: 0 };
  const cutoff = state.options.now().getTime() - state.options.storage.retention_days * 86_400_000;
  for (const [segment, sealed] of [...state.sealed].sort(([a], [b]) => a - b)) {
    const { summary } = sealed;
    if (summary.raw_dropped) continue;
    if (summary.max_timestamp !== null && Date.parse(summary.max_timestamp) >= cutoff) continue;
    const next: SegmentSummary = { ...summary, raw_dropped: true, id_hashes: '' };
    await state.files.writeSummary(next);
    await state.files.removeSegment(segment);
    state.sealed.set(segment, { summary: next });
    state.ids.remove(segment);
    state.cache.delete(segment);
    dropped.segments += 1;
    dropped.records += summary.record_count;
  }
  return dropped;
}
