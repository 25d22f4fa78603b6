import type { Window } from '../domain/performance.js';
import type { PredictionLog } from '../domain/prediction.js';

const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

/**
 * A window resolved against a clock. A time window holds the predictions whose `timestamp` is in
 * [fromMs, toMs): `fromMs` included, `toMs` excluded, null for no bound.
 */
export type ResolvedWindow =
  | { kind: 'all'; window: Window }
  | { kind: 'time'; fromMs: number | null; toMs: number | null; window: Window }
  | { kind: 'count'; count: number; window: Window };

/**
 * Resolves `window` (`all`, `7d`, `500`) or `since`/`until` (ISO instants; the query schema
 * refuses both together, and `since` after `until`). Exact to the millisecond of the
 * predictions' timestamps: `since` is included and `until` excluded, so adjacent ranges split a
 * history without overlap; a duration `7d` holds the predictions stamped from exactly now − 7 days
 * up to and including now.
 */
export function resolveWindow(spec: string | undefined, since: string | undefined, until: string | undefined, now: Date): ResolvedWindow {
  if (since !== undefined || until !== undefined) {
    return {
      kind: 'time',
      fromMs: since === undefined ? null : Date.parse(since),
      toMs: until === undefined ? null : Date.parse(until),
      window: { kind: 'range', spec: null, since: since ?? null, until: until ?? null },
    };
  }
  if (spec === undefined || spec === 'all') {
    return { kind: 'all', window: { kind: 'all', spec: 'all', since: null, until: null } };
  }
  const match = /^(\d+)([mhdw])?$/.exec(spec);
  if (!match) throw new RangeError(`bad window ${spec}`);
  const amount = Number(match[1]);
  const unit = match[2];
  if (unit === undefined) {
    return { kind: 'count', count: amount, window: { kind: 'count', spec, since: null, until: null } };
  }
  const start = now.getTime() - amount * UNIT_MS[unit]!;
  return {
    kind: 'time',
    fromMs: start,
    // now included: a prediction stamped this very millisecond is in the window.
    toMs: now.getTime() + 1,
    window: { kind: 'duration', spec, since: new Date(start).toISOString(), until: now.toISOString() },
  };
}

/** Whether a record's timestamp is inside a time window (every record is inside `all` and count windows). */
export function inTimeWindow(record: Pick<PredictionLog, 'timestamp'>, window: ResolvedWindow): boolean {
  if (window.kind !== 'time') return true;
  const at = Date.parse(record.timestamp);
  return (window.fromMs === null || at >= window.fromMs) && (window.toMs === null || at < window.toMs);
}
