import type { PredictionLog } from '../domain/prediction.js';
import type { SealedSegment } from './sealed-segment.js';

/**
 * One segment's records of one model as the label-free estimate reads them, newest first (by
 * timestamp, then the later arrival first: the order of `newestFirst`), column by column:
 * `ms[i]`, `seq[i]`, `versions[version[i]]`, `confidence[i]` (NaN: none) and `correct[i]`
 * (-1: unlabeled, 0: wrong, 1: right) are the i-th record's. About 30 bytes a record, where the
 * parsed record is ~1 KB of objects and strings.
 */
export interface OutcomeColumns {
  readonly ms: Float64Array;
  readonly seq: Float64Array;
  readonly versions: readonly string[];
  readonly version: Uint32Array;
  readonly confidence: Float64Array;
  readonly correct: Int8Array;
}

/** A segment's outcome columns, by model. */
export type SegmentOutcomes = ReadonlyMap<string, OutcomeColumns>;

/** The outcome columns of records stored from sequence number `firstSeq` on (one segment's), by model. */
export function outcomesOf(records: readonly PredictionLog[], firstSeq: number): SegmentOutcomes {
  const ms = Float64Array.from(records, (record) => Date.parse(record.timestamp));
  const byModel = new Map<string, number[]>();
  records.forEach((record, index) => {
    const indices = byModel.get(record.model_name);
    if (indices) indices.push(index);
    else byModel.set(record.model_name, [index]);
  });
  const outcomes = new Map<string, OutcomeColumns>();
  for (const [model, indices] of byModel) {
    // Newest timestamp first, ties: the later arrival (the higher index) first.
    indices.sort((a, b) => ms[b]! - ms[a]! || b - a);
    const versions: string[] = [];
    const versionIndex = new Map<string, number>();
    const columns = {
      ms: new Float64Array(indices.length),
      seq: new Float64Array(indices.length),
      versions,
      version: new Uint32Array(indices.length),
      confidence: new Float64Array(indices.length),
      correct: new Int8Array(indices.length),
    };
    indices.forEach((index, i) => {
      const record = records[index]!;
      let version = versionIndex.get(record.model_version);
      if (version === undefined) {
        version = versions.length;
        versions.push(record.model_version);
        versionIndex.set(record.model_version, version);
      }
      columns.ms[i] = ms[index]!;
      columns.seq[i] = firstSeq + index;
      columns.version[i] = version;
      columns.confidence[i] = record.confidence ?? Number.NaN;
      columns.correct[i] = record.correct === null ? -1 : record.correct ? 1 : 0;
    });
    outcomes.set(model, columns);
  }
  return outcomes;
}

/**
 * Outcome columns derived once per records array: a parsed sealed file in the segment cache (a
 * rewrite or a new parse is a new array) or the open segment's records as a commit published
 * them (each commit publishes a new array; a published one is never changed).
 */
const outcomesByRecords = new WeakMap<readonly PredictionLog[], SegmentOutcomes>();

export function outcomesOfRecords(records: readonly PredictionLog[], firstSeq: number): SegmentOutcomes {
  let outcomes = outcomesByRecords.get(records);
  if (!outcomes) {
    outcomes = outcomesOf(records, firstSeq);
    outcomesByRecords.set(records, outcomes);
  }
  return outcomes;
}

/**
 * The outcome columns of sealed segments read from disk for the estimate (not through the
 * segment cache, so their parsed records die young instead of filling the old generation), kept
 * while the store's in-memory record of the segment (its `SealedSegment`, replaced whenever the
 * segment's summary is: a late label, retention, a reload) is the one they were read under.
 * Least recently used first out, at most `maxRecords` records in all.
 */
export class OutcomeColumnsCache {
  readonly #entries = new Map<number, { summary: SealedSegment; outcomes: SegmentOutcomes; records: number }>();
  #records = 0;

  constructor(readonly maxRecords: number) {}

  get(segment: number, summary: SealedSegment | undefined): SegmentOutcomes | undefined {
    const entry = this.#entries.get(segment);
    if (!entry) return undefined;
    this.#remove(segment);
    if (entry.summary !== summary) return undefined;
    this.#entries.set(segment, entry);
    this.#records += entry.records;
    return entry.outcomes;
  }

  set(segment: number, summary: SealedSegment, outcomes: SegmentOutcomes, records: number): void {
    this.#remove(segment);
    if (records > this.maxRecords) return;
    this.#entries.set(segment, { summary, outcomes, records });
    this.#records += records;
    for (const [oldest, entry] of this.#entries) {
      if (this.#records <= this.maxRecords) break;
      this.#entries.delete(oldest);
      this.#records -= entry.records;
    }
  }

  #remove(segment: number): void {
    const entry = this.#entries.get(segment);
    if (!entry) return;
    this.#entries.delete(segment);
    this.#records -= entry.records;
  }
}
