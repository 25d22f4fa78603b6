import type { AssistRun } from './assist-run.js';
import { isUnderstood } from './assist-run.js';

/** A label decided by a native rule, with where it came from (stored as `ground_truth_source`). */
export interface NativeVerdict {
  correct: boolean;
  source: 'native_error' | 'native_undo' | 'native_rephrase' | 'native_kept';
}

/** What became of a run after it ended: what the undo and rephrase rules saw. */
export interface RunAftermath {
  /** A person or device set a target back within `undo_seconds`. */
  undone: boolean;
  /** The same device or conversation asked again within `rephrase_seconds`. */
  rephrased: boolean;
  /** The undo window has passed. */
  undoWindowPassed: boolean;
  /** The rephrase window has passed. */
  rephraseWindowPassed: boolean;
}

/**
 * The `assist_intent` label of a run, or null while it cannot be decided yet:
 * an error response is wrong at once; a command a person or device undid is wrong; an
 * understood command left alone for `undo_seconds` is right.
 */
export function intentVerdict(run: AssistRun, after: RunAftermath): NativeVerdict | null {
  if (!isUnderstood(run)) return { correct: false, source: 'native_error' };
  if (after.undone) return { correct: false, source: 'native_undo' };
  if (after.undoWindowPassed) return { correct: true, source: 'native_kept' };
  return null;
}

/**
 * The `assist_stt` label of a run, or null while it cannot be decided (or never can be):
 * `stt-no-text-recognized` is wrong at once; a run not understood and then asked again is wrong
 * (the words were misheard); an understood command left alone is right. A run not understood
 * and not rephrased, or one undone, says nothing certain about the transcript: it stays unlabeled.
 */
export function sttVerdict(run: AssistRun, after: RunAftermath): NativeVerdict | null {
  if (run.pipeline_error?.code === 'stt-no-text-recognized') return { correct: false, source: 'native_error' };
  if (!isUnderstood(run)) return after.rephrased ? { correct: false, source: 'native_rephrase' } : null;
  if (after.undone) return null;
  if (after.undoWindowPassed) return { correct: true, source: 'native_kept' };
  return null;
}

/** True once nothing more can change the run's labels (both windows passed, or nothing is left to decide). */
export function isSettled(run: AssistRun, after: RunAftermath): boolean {
  return after.undoWindowPassed && (isUnderstood(run) || after.rephraseWindowPassed || after.rephrased);
}
