import { describeError } from '../logging/to-error.js';
import { decodeIdHashes } from './id-hashes.js';
import { WriteFailedError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/**
 * Seals the open segment (unchanged since its last commit): compacts its log once into the sealed
 * JSON segment file (labels folded in, late labels still pending kept in `label_log`), written to
 * a temp file, fsynced and renamed into place. The fsync of `predictions/` that makes the rename
 * durable is the one the next segment's log is created with, in the same commit; only then are
 * the summary written and the log removed (finishSeals). Until then the log stays: a stop in
 * between leaves it beside its sealed file (start-up removes it) or alone (it is still the open
 * segment).
 */
export async function sealOpenSegment(state: StoreState): Promise<void> {
  const open = state.open;
  if (!open) return;
  const segment = open.data.segment;
  try {
    await state.files.writeSegment(open.data, { syncDirectory: false });
  } catch (error) {
    const failure = new WriteFailedError(`could not seal segment ${segment} in ${state.options.dataDir}: ${describeError(error)}`);
    state.lastWriteFailure = failure.message;
    throw failure;
  }
  const summary = state.summarize(open.data);
  state.sealed.set(summary.segment, { summary: { ...summary, id_hashes: '' } });
  state.ids.add(summary.segment, decodeIdHashes(summary.id_hashes));
  state.cache.set(segment, { data: open.data, ids: open.ids });
  state.open = null;
  state.nextSegment = Math.max(state.nextSegment, segment + 1);
  state.nextSeq = open.data.first_seq + open.data.records.length;
  state.pendingSeals.push(summary);
}

/**
 * Finishes the seals of a commit once their sealed files are durable: `directorySynced` when the
 * commit created the next log (its fsync of `predictions/` covered the renames), else the
 * directory is fsynced here. Then each summary is written (derived: rebuilt at start-up if lost)
 * and each log removed.
 */
export async function finishSeals(state: StoreState, directorySynced: boolean): Promise<void> {
  if (state.pendingSeals.length === 0) return;
  const seals = state.pendingSeals.splice(0);
  if (!directorySynced) {
    try {
      await state.files.syncSegmentsDirectory();
    } catch (error) {
      state.derivedFailed(`could not make the sealed file of segment ${seals[0]!.segment} durable`, error);
      return;
    }
  }
  for (const summary of seals) {
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
