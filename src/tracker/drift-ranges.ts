import type { DriftQuery } from '../domain/drift.js';
import { InvalidInputError } from './errors.js';
import { resolveWindow } from './window.js';

/** The length of the current drift window when the sensors' window is not a duration. */
export const DRIFT_FALLBACK_WINDOW = '7d';

/** A range of prediction times: [fromMs, toMs), shown as `since`/`until`. */
export interface DriftRange {
  fromMs: number;
  toMs: number;
  since: string;
  until: string;
}

/**
 * The two windows of a drift answer. Current: `since`/`until`; until defaults to now (included,
 * as duration windows include it), since to until minus the length of `windowSpec` (the sensors'
 * window; `DRIFT_FALLBACK_WINDOW` when that is a count or `all`). Reference: `reference_until`
 * defaults to the current `since`, `reference_since` to reference_until minus the current
 * window's length. The query schema refuses a start after its end when both are given; a start
 * that is after its end once defaults are filled in is refused here, naming the field.
 */
export function resolveDriftRanges(query: DriftEnds, windowSpec: string, now: Date): { current: DriftRange; reference: DriftRange } {
  const length = durationMs(windowSpec) ?? durationMs(DRIFT_FALLBACK_WINDOW)!;
  const untilMs = query.until === undefined ? now.getTime() + 1 : Date.parse(query.until);
  const fromMs = query.since === undefined ? untilMs - (query.until === undefined ? 1 : 0) - length : Date.parse(query.since);
  if (fromMs > untilMs) refuse('since', `since (${query.since}) is later than until (now, ${now.toISOString()})`);
  const referenceToMs = query.reference_until === undefined ? fromMs : Date.parse(query.reference_until);
  const referenceFromMs = query.reference_since === undefined ? referenceToMs - (untilMs - fromMs) : Date.parse(query.reference_since);
  if (referenceFromMs > referenceToMs) {
    refuse('reference_since', `reference_since (${query.reference_since}) is later than reference_until (${new Date(referenceToMs).toISOString()}, the current window's since unless given)`);
  }
  return {
    current: { fromMs, toMs: untilMs, since: new Date(fromMs).toISOString(), until: query.until ?? now.toISOString() },
    reference: { fromMs: referenceFromMs, toMs: referenceToMs, since: new Date(referenceFromMs).toISOString(), until: new Date(referenceToMs).toISOString() },
  };
}

type DriftEnds = Pick<DriftQuery, 'since' | 'until' | 'reference_since' | 'reference_until'>;

function refuse(path: string, message: string): never {
  throw new InvalidInputError(`invalid query: ${path}: ${message}`, [{ path, message }]);
}

/** Milliseconds of a duration window spec (`7d`), or null for counts and `all`. */
function durationMs(spec: string): number | null {
  const window = resolveWindow(spec, undefined, undefined, new Date(0));
  return window.kind === 'time' && window.fromMs !== null ? -window.fromMs : null;
}
