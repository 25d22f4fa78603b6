import { describeError } from '../logging/to-error.js';
import type { Operation, WriteOperation } from './commit-queue.js';
import { deferRewrites, rewriteDeferred } from './deferred-labels.js';
import { commitText, publishIds } from './open-segment.js';
import { finishSeals } from './seal-open-segment.js';
import { stageBatch } from './stage-batch.js';
import { WriteFailedError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/**
 * Commits a batch of writes. One commit has one commit point: its lines appended to the open
 * segment's log and fdatasynced (or, for a segment's first commit, the log created: temp file,
 * fsync, rename, directory fsync). Operations are acknowledged once that is on disk. What follows
 * is derived and can be redone from it: summaries, and sealed segments rewritten for late labels
 * (whose intent lines the log already holds; the rewrite is deferred, see deferred-labels.ts). A
 * failure there is repaired by re-reading the store before the next commit.
 */
export async function commitWrites(state: StoreState, batch: WriteOperation[], requeue: (operations: Operation[]) => void): Promise<void> {
  const now = state.options.now();
  const { open, targets, changes, accepted, rejectAccepted } = await stageBatch(state, batch, now, requeue);
  // A seal staged above: its summary and log removal, alongside the commit point.
  const sealing = finishSeals(state);
  if (accepted.length === 0) {
    await sealing;
    return;
  }

  // The commit point.
  if (open.dirty) {
    const segment = open.data.segment;
    try {
      if (open.fileBytes === null) await state.files.createOpenSegment(segment, commitText(open));
      else await state.files.appendOpenSegment(segment, commitText(open));
    } catch (error) {
      state.needsReload = true;
      if (open.fileBytes !== null) await cutFailedAppend(state, segment, open.fileBytes);
      const failure = new WriteFailedError(`could not write to ${state.options.dataDir}: ${describeError(error)}`);
      state.lastWriteFailure = failure.message;
      state.options.logger.error('a write failed; nothing in it was acknowledged', { error: failure.message });
      for (const reject of rejectAccepted) reject(failure);
      await sealing;
      return;
    }
    open.fileBytes = open.bytes;
    open.pending = [];
  }

  // On disk: publish.
  state.lastWriteFailure = null;
  deferRewrites(state, [...targets.values()].map((target) => ({ data: { ...target.data, revision: target.revision }, ids: target.ids })));
  publishIds(open);
  state.open = open;
  state.nextSegment = Math.max(state.nextSegment, open.data.segment + 1);
  state.nextSeq = open.data.first_seq + open.data.records.length;
  for (const change of changes) {
    if (change.before) state.aggregates.apply(state.options.contribute(change.before), -1, change.seq, change.before.timestamp);
    state.aggregates.apply(state.options.contribute(change.after), 1, change.seq, change.after.timestamp);
  }

  await sealing;

  // Derived: late labels wait in memory for their sealed segments' rewrite (deferred-labels.ts),
  // unless more segments wait than the segment cache holds (memory stays bounded). A failure
  // here does not undo the acknowledged commit.
  if (state.deferred.size > state.options.storage.segment_cache_size) await rewriteDeferred(state);
  for (const resolve of accepted) resolve();
}

/**
 * Cuts what a failed append may have left (part of its lines) off the log, so the re-read before
 * the next commit does not find records nobody was told are stored. If the cut fails too, the
 * re-read does it first (and the store takes no write until it can).
 */
async function cutFailedAppend(state: StoreState, segment: number, length: number): Promise<void> {
  try {
    await state.files.truncateOpenSegment(segment, length);
  } catch (error) {
    state.cutOpenSegmentTo = { segment, bytes: length };
    state.options.logger.warn('could not cut a failed append off the open segment; it is cut before the next write', { error: describeError(error) });
  }
}
