import type { PredictionLog } from '../domain/prediction.js';
import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts } from '../metrics/bucket-counts.js';
import type { HourPart } from '../storage/hour-records.js';
import { partRange } from '../storage/hour-records.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import type { ResolvedWindow } from './window.js';

const HOUR_MS = 3_600_000;
const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** What the counting needs of the store. */
export type WindowSource = Pick<PredictionStore, 'aggregates' | 'recordsOfHour' | 'newestFirst'>;

type TimeWindow = Extract<ResolvedWindow, { kind: 'time' }>;

/** An hour a time window cuts: its raw records (`first`/`end`: how many of each part's sorted timestamps are before the window's start and end). */
interface EdgeHour {
  hour: number;
  complete: boolean;
  parts: { part: HourPart; first: number; end: number }[];
}

/** What a time window is made of: the hours wholly inside it (from the aggregates; null: none), and the (at most two) hours it cuts. */
export interface TimeWindowParts {
  whole: { from: number | null; to: number | null } | null;
  edges: EdgeHour[];
}

/**
 * Reads which stored predictions a time window [from, to) holds: the hours wholly inside it, and
 * for each hour it cuts, the raw records of that hour and where the window's bounds fall among
 * their timestamps. An edge hour whose raw records retention dropped is counted whole from its
 * aggregates (the window widens to it).
 */
export async function timeWindowParts(source: WindowSource, model: string, version: string, window: TimeWindow): Promise<TimeWindowParts> {
  const { fromMs, toMs } = window;
  const edgeHours = new Set<number>();
  if (fromMs !== null && floorHour(fromMs) !== fromMs) edgeHours.add(floorHour(fromMs));
  if (toMs !== null && floorHour(toMs) !== toMs) edgeHours.add(floorHour(toMs));
  // Whole hours: those starting at or after `from` and ending at or before `to`.
  const firstWhole = fromMs === null ? null : floorHour(fromMs) === fromMs ? fromMs : floorHour(fromMs) + HOUR_MS;
  const lastWhole = toMs === null ? null : floorHour(toMs) - HOUR_MS;
  const whole = firstWhole === null || lastWhole === null || firstWhole <= lastWhole ? { from: firstWhole, to: lastWhole } : null;
  const edges: EdgeHour[] = [];
  for (const hour of edgeHours) {
    const { parts, complete } = await source.recordsOfHour(model, version, hour);
    edges.push({ hour, complete, parts: complete ? parts.map((part) => ({ part, ...partRange(part, fromMs, toMs) })) : [] });
  }
  return { whole, edges };
}

const partIds = new WeakMap<HourPart, number>();
let nextPartId = 0;

/**
 * What a time window's counts depend on, as a string: the whole hours, and per edge hour which
 * records array (by identity) and which of its records (by position among the sorted
 * timestamps). Equal keys over the same aggregates mean the same predictions, so equal counts.
 */
export function timeWindowKey(parts: TimeWindowParts): string {
  let key = parts.whole === null ? 'none' : `${parts.whole.from}-${parts.whole.to}`;
  for (const edge of parts.edges) {
    key += `|${edge.hour}:${edge.complete ? 1 : 0}`;
    for (const { part, first, end } of edge.parts) {
      let id = partIds.get(part);
      if (id === undefined) {
        id = nextPartId++;
        partIds.set(part, id);
      }
      key += `:${id}/${first}/${end}`;
    }
  }
  return key;
}

/** Each part's records' contributions, computed once per part (and per `contribute`). */
const contributionsOf = new WeakMap<HourPart, { contribute: unknown; contributions: Contribution[] }>();

function contributions(part: HourPart, contribute: (record: PredictionLog) => Contribution): Contribution[] {
  const known = contributionsOf.get(part);
  if (known && known.contribute === contribute) return known.contributions;
  const computed = part.records.map(contribute);
  contributionsOf.set(part, { contribute, contributions: computed });
  return computed;
}

/** A time window's counts from its parts: the whole hours' aggregates, then the edge hours' records in the window, in the order they were stored. */
export function countTimeWindow(
  source: Pick<WindowSource, 'aggregates'>,
  contribute: (record: PredictionLog) => Contribution,
  model: string,
  version: string,
  window: TimeWindow,
  parts: TimeWindowParts,
): BucketCounts {
  const counts = emptyCounts();
  if (parts.whole !== null) mergeCounts(counts, source.aggregates.sum(model, version, parts.whole.from, parts.whole.to));
  const from = window.fromMs ?? -Infinity;
  const to = window.toMs ?? Infinity;
  for (const edge of parts.edges) {
    if (!edge.complete) {
      mergeCounts(counts, source.aggregates.sum(model, version, edge.hour, edge.hour));
      continue;
    }
    for (const { part, first, end } of edge.parts) {
      if (first === end) continue;
      const each = contributions(part, contribute);
      const { ms } = part;
      for (let i = 0; i < ms.length; i += 1) if (ms[i]! >= from && ms[i]! < to) applyContribution(counts, each[i]!, 1);
    }
  }
  return counts;
}

/**
 * One model version's counts over a window, equal to a scan of the raw records:
 * - `all`: the all-time aggregates;
 * - a time window [from, to): the hourly aggregates of the hours wholly inside it, plus the raw
 *   records of the (at most two) hours it cuts, filtered to the millisecond (timeWindowParts);
 * - the last N labeled predictions (newest timestamps first), with every prediction stamped since
 *   the oldest of them.
 */
export async function countWindow(
  source: WindowSource,
  contribute: (record: PredictionLog) => Contribution,
  model: string,
  version: string,
  window: ResolvedWindow,
): Promise<BucketCounts> {
  if (window.kind === 'all') return source.aggregates.sum(model, version, null, null);
  if (window.kind === 'time') return countTimeWindow(source, contribute, model, version, window, await timeWindowParts(source, model, version, window));
  const counts = emptyCounts();
  for await (const { record } of source.newestFirst({ model })) {
    if (record.model_version !== version) continue;
    applyContribution(counts, contribute(record), 1);
    if (counts.labeled === window.count) break;
  }
  return counts;
}
