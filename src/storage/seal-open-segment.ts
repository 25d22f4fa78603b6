import { describeError } from '../logging/to-error.js';
import { decodeIdHashes } from './id-hashes.js';
import { sealedSegmentOf } from './sealed-segment.js';
import { WriteFailedError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/**
 * Seals the open segment (unchanged since its last commit): compacts its log once into the sealed
 * JSON segment file (labels folded in, late labels still pending kept in `label_log`): temp file,
 * fsync, rename, fsync of `predictions/`. It must be durable before the next segment's log is
 * created (two logs would be two open segments). Its summary and the removal of its log are
 * derived (finishSeals), done while the commit that follows is written.
 */
export async function sealOpenSegment(state: StoreState): Promise<void> {
  const open = state.open;
  if (!open) return;
  const segment = open.data.segment;
  try {
    await state.files.writeSegment(open.data);
  } catch (error) {
    const failure = new WriteFailedError(`could not seal segment ${segment} in ${state.options.dataDir}: ${describeError(error)}`);
    state.lastWriteFailure = failure.message;
    throw failure;
  }
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
 * Finishes the seals staged in a commit, whose sealed files are durable: writes each summary
 * (rebuilt at start-up if lost) and removes each log (one left beside its sealed file is removed
 * at start-up). Runs alongside the commit's own write: neither depends on the other.
 */
export async function finishSeals(state: StoreState): Promise<void> {
  for (const summary of state.pendingSeals.splice(0)) {
    try {
      await state.files.writeSummary(summary);
    } catch (error) {
      state.derivedFailed(`could not write the summary of segment ${summary.segment}`, error);
      continue;
    }
    try {
      await state.files.removeOpenSegment(summary.segment);
    } catch (error) {
      state.derivedFailed(`could not remove the log of sealed segment ${summary.segment}`, error);
    }
  }
}
