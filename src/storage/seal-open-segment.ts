import { decodeIdHashes } from './id-hashes.js';
import { sealedSegmentOf } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

/**
 * Seals the open segment (unchanged since its last commit, every line of its log fdatasynced):
 * nothing is written. Its log simply stops being appended to; the sealed segment is that log. The
 * commit point is the next segment's log being created, in the commit that follows (the highest
 * log is the open segment, every lower one sealed: store-recovery.ts). Its summary is derived
 * (finishSeals), written while that commit is: found at start-up beside the highest log, it says
 * that log was sealed just before a stop.
 */
export function sealOpenSegment(state: StoreState): void {
  const open = state.open;
  if (!open) return;
  const segment = open.data.segment;
  const summary = state.summarize(open.data);
  state.sealed.set(summary.segment, sealedSegmentOf(summary));
  state.ids.add(summary.segment, decodeIdHashes(summary.id_hashes));
  state.cache.set(segment, { data: open.data, ids: open.ids });
  state.open = null;
  state.nextSegment = Math.max(state.nextSegment, segment + 1);
  state.nextSeq = open.data.first_seq + open.data.records.length;
  state.pendingSeals.push(summary);
}

/**
 * Finishes the seals staged in a commit: writes each summary (rebuilt at start-up if lost). Runs
 * alongside the commit's own write: neither depends on the other.
 */
export async function finishSeals(state: StoreState): Promise<void> {
  for (const summary of state.pendingSeals.splice(0)) {
    try {
      await state.files.writeSummary(summary);
    } catch (error) {
      state.derivedFailed(`could not write the summary of segment ${summary.segment}`, error);
    }
  }
}
