import type { ChangePoint } from '../domain/drift.js';
import type { AdwinOptions } from './adwin.js';
import { adwinChanges } from './adwin.js';

/** One labeled prediction in a stream: when, and whether it was right. */
export interface Outcome {
  timestamp: string;
  correct: boolean;
}

/**
 * Changes of accuracy in a correct/incorrect stream (oldest first, in prediction-time order),
 * found by ADWIN run on 1 (correct) / 0 (incorrect) with River's defaults. Each change point is
 * the prediction that revealed it; `before`/`after` are ADWIN's means of the values it dropped and
 * kept, `accuracy_since` the share correct after it up to the next change point.
 */
export function accuracyChangePoints(outcomes: readonly Outcome[], options: Partial<AdwinOptions> = {}): ChangePoint[] {
  const changes = adwinChanges(
    outcomes.map((outcome) => (outcome.correct ? 1 : 0)),
    options,
  );
  return changes.map((change, i) => {
    const end = i + 1 < changes.length ? changes[i + 1]!.index : outcomes.length - 1;
    let correct = 0;
    for (let k = change.index + 1; k <= end; k++) if (outcomes[k]!.correct) correct++;
    const labeledSince = end - change.index;
    return {
      timestamp: outcomes[change.index]!.timestamp,
      changed_since: outcomes[change.index - change.kept + 1]!.timestamp,
      metric: 'accuracy',
      direction: change.after < change.before ? 'drop' : 'rise',
      before: change.before,
      after: change.after,
      accuracy_since: labeledSince > 0 ? correct / labeledSince : null,
      labeled_since: labeledSince,
    };
  });
}
