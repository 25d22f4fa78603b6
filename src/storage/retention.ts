import type { SealedSegment } from './sealed-segment.js';
import { sealedSegmentOf } from './sealed-segment.js';
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
  for (const [segment, summary] of [...state.sealed].sort(([a], [b]) => a - b)) {
    if (summary.raw_dropped) continue;
    if (summary.max_ms !== null && summary.max_ms >= cutoff) continue;
    const next: SegmentSummary = { ...(await storedSummary(state, summary)), raw_dropped: true, id_hashes: '' };
    await state.files.writeSummary(next);
    await state.files.removeSegment(segment);
    state.sealed.set(segment, sealedSegmentOf(next));
    state.ids.remove(segment);
    state.cache.delete(segment);
    state.deferred.delete(segment);
    dropped.segments += 1;
    dropped.records += summary.record_count;
  }
  return dropped;
}

/**
 * The whole summary of a sealed segment (memory keeps no counts): its file when that is the one
 * memory describes, else recomputed from the raw records (which are still there).
 */
async function storedSummary(state: StoreState, sealed: SealedSegment): Promise<SegmentSummary> {
  // Late labels waiting for the segment's rewrite are in memory only: the summary counts them.
  const deferred = state.deferred.get(sealed.segment);
  if (deferred) return state.summarize(deferred.data);
  // An unreadable summary file is recomputed from the records, as start-up would.
  const onDisk = await state.files.readSummary(sealed.segment).catch((): null => null);
  if (onDisk && onDisk.source_revision === sealed.source_revision && onDisk.label_fingerprint === sealed.label_fingerprint && !onDisk.raw_dropped) return onDisk;
  return state.summarize(await state.files.readSegment(sealed.segment));
}
