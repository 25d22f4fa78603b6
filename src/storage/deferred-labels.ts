import type { LoadedSegment } from './segment-cache.js';
import { sealedSegmentOf } from './sealed-segment.js';
import type { StoreState } from './store-state.js';

/**
 * Keeps sealed segments relabelled by a commit in memory (`state.deferred`) instead of rewriting
 * them: the commit's intent lines in the open segment's log are what makes the labels durable, and
 * start-up applies them again if the process stops before the rewrite. A home labels its
 * predictions one at a time, minutes or a day after them (feedback, the undo window, implicit
 * labels), and rewriting a sealed log of up to 1,000 records (~400 KB) for each such label wrote
 * hundreds of kilobytes per label.
 */
export function deferRewrites(state: StoreState, targets: Iterable<LoadedSegment>): void {
  for (const target of targets) {
    state.cache.delete(target.data.segment);
    state.deferred.set(target.data.segment, target);
  }
}

/**
 * Rewrites every deferred sealed segment with its labels (one rewrite each, whatever the number
 * of labels) and its summary, then hands it to the segment cache. Due before the open segment
 * seals: a sealed log's intent lines are not read again at start-up, so its labels must be in
 * their segments first. Resolves false when a rewrite failed: that one stays deferred, the store
 * re-reads its files before the next commit (applying the logged labels again), and the caller
 * must not seal.
 */
export async function rewriteDeferred(state: StoreState): Promise<boolean> {
  for (const [segment, loaded] of [...state.deferred]) {
    try {
      await state.files.writeSegment(loaded.data);
      const summary = state.summarize(loaded.data);
      await state.files.writeSummary(summary);
      state.sealed.set(segment, sealedSegmentOf(summary));
    } catch (error) {
      state.derivedFailed(`could not apply late labels to sealed segment ${segment}`, error);
      return false;
    }
    state.cache.set(segment, loaded);
    state.deferred.delete(segment);
  }
  return true;
}
