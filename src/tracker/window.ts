import type { Window } from '../domain/performance.js';

const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

/** A window resolved against a clock. */
export type ResolvedWindow =
  | { kind: 'all'; window: Window }
  | { kind: 'hours'; fromHour: number | null; toHour: number | null; window: Window }
  | { kind: 'count'; count: number; window: Window };

/**
 * Resolves `window` (`all`, `7d`, `500`) and `since`/`until` (ISO instants). Time windows are
 * counted in whole hours of prediction time: the hour that holds the window's start is included.
 */
export function resolveWindow(spec: string | undefined, since: string | undefined, until: string | undefined, now: Date): ResolvedWindow {
  const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
  if (since !== undefined || until !== undefined) {
    return {
      kind: 'hours',
      fromHour: since === undefined ? null : floorHour(Date.parse(since)),
      toHour: until === undefined ? null : floorHour(Date.parse(until)),
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
  const start = new Date(now.getTime() - amount * UNIT_MS[unit]!);
  return {
    kind: 'hours',
    fromHour: floorHour(start.getTime()),
    toHour: null,
    window: { kind: 'duration', spec, since: start.toISOString(), until: now.toISOString() },
  };
}
