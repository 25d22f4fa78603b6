import { z } from 'zod';
import { PredictionLogSchema } from '../domain/prediction.js';
import { serializeLogDocument } from './json-log-store.js';
import { salvageArray, validatorOf } from './salvage-array.js';
import type { SegmentFile } from './segment-files.js';
import { LabelIntentSchema, SegmentFileSchema } from './segment-files.js';
import { migrateStoredFile, STORE_SCHEMA_VERSION } from './stored-file-version.js';

/** What `repair` can read back of one damaged file. */
export interface Salvage {
  /** Records (predictions, training sessions, comparisons) that parse and validate. */
  kept: number;
  /** Records known to be gone: unreadable lines, and what the summary counted beyond the kept ones. */
  lost: number;
  /** True when the file ends before its last record closed: records after the cut are gone, and a segment without a summary cannot say how many. */
  cut_off: boolean;
  /** Lines after the end of the document (trailing garbage), dropped without losing a record. */
  trailing_lines: number;
  /** False when the file was cut off and nothing says how many records it held: `lost` is then a lower bound. */
  lost_exact: boolean;
}

export interface SegmentSalvage extends Salvage {
  /** The fresh segment to write, or null when nothing could be read. */
  data: SegmentFile | null;
}

/** Header fields to use when a segment's first line is unreadable (from its summary or neighbours). */
export interface SegmentFallback {
  first_seq: number;
  revision: number;
  /** What the summary counted, when there is one. */
  record_count: number | null;
}

const SegmentHeaderSchema = SegmentFileSchema.omit({ records: true, label_log: true });

/** Non-blank lines after the document's end: the array closes on line `closer`, the object there or on the next line. */
function countTrailing(lines: readonly string[], closer: number): number {
  const after = lines.slice(closer + 1).filter((line) => line.trim() !== '');
  const objectClosed = lines[closer]!.trim().endsWith('}');
  return !objectClosed && after[0]?.trim() === '}' ? after.length - 1 : after.length;
}

/** The header on a segment's first line (`{…,"records":[`), migrated and validated, or null. */
function readSegmentHeader(line: string | undefined): z.infer<typeof SegmentHeaderSchema> | null {
  if (line === undefined || !/,"records":\[\s*$/.test(line)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line.replace(/,"records":\[\s*$/, ',"records":[],"label_log":[]}'));
  } catch {
    // The header line itself is damaged: the caller falls back to what the summary knows.
    return null;
  }
  const migrated = migrateStoredFile(raw);
  if ('reason' in migrated) return null;
  const result = SegmentHeaderSchema.safeParse(migrated.value);
  return result.success ? result.data : null;
}

/**
 * Reads every record and label intent of a damaged segment file that parses and validates, one
 * line at a time, into a fresh segment (same number, first sequence number and revision).
 */
export function salvageSegment(text: string, segment: number, fallback: SegmentFallback, now: Date): SegmentSalvage {
  const lines = text.split('\n');
  const header = readSegmentHeader(lines[0]);
  const records = salvageArray(lines, 1, validatorOf(PredictionLogSchema));
  const intents = records.closed ? salvageArray(lines, records.end + 1, validatorOf(LabelIntentSchema)) : null;
  const seen = new Set<string>();
  const kept = records.items.filter((record) => !seen.has(record.prediction_id) && seen.add(record.prediction_id));
  const duplicates = records.items.length - kept.length;
  const cutOff = !records.closed || intents?.closed === false;
  const readLost = records.lost + duplicates;
  const lost = fallback.record_count === null ? readLost : Math.max(readLost, fallback.record_count - kept.length);
  const trailing = intents?.closed ? countTrailing(lines, intents.end) : 0;
  const base = { kept: kept.length, lost, cut_off: cutOff, trailing_lines: trailing, lost_exact: !cutOff || fallback.record_count !== null };
  if (kept.length === 0 && (intents?.items.length ?? 0) === 0) return { ...base, data: null };
  return {
    ...base,
    data: {
      schema_version: STORE_SCHEMA_VERSION,
      kind: 'predictions-segment',
      segment,
      revision: header?.revision ?? fallback.revision,
      first_seq: header?.first_seq ?? fallback.first_seq,
      created_at: header?.created_at ?? kept[0]?.timestamp ?? now.toISOString(),
      records: kept,
      label_log: intents?.items ?? [],
    },
  };
}

export interface LogSalvage extends Salvage {
  /** The fresh file's text, or null when nothing could be read. */
  text: string | null;
}

/**
 * Reads every entry of a damaged training or comparison log that parses and validates (each
 * brought forward from the file's schema version) into a fresh file, one entry per line.
 */
export function salvageLog<T>(text: string, kind: string, entry: z.ZodType<T>): LogSalvage {
  const lines = text.split('\n');
  const opener = lines.findIndex((line) => /"document":\s*\[\s*$/.test(line));
  if (opener < 0) return { kept: 0, lost: 0, cut_off: true, trailing_lines: 0, lost_exact: false, text: null };
  const version = Number(/"schema_version":\s*(\d+)/.exec(lines.slice(0, opener + 1).join('\n'))?.[1] ?? STORE_SCHEMA_VERSION);
  const documentSchema = z.object({ document: z.tuple([entry]) });
  const validate = (value: unknown): T | null => {
    const migrated = migrateStoredFile({ schema_version: version, kind, document: [value] });
    if ('reason' in migrated) return null;
    const result = documentSchema.safeParse(migrated.value);
    return result.success ? result.data.document[0] : null;
  };
  const entries = salvageArray(lines, opener + 1, validate);
  const trailing = entries.closed ? countTrailing(lines, entries.end) : 0;
  const base = { kept: entries.items.length, lost: entries.lost, cut_off: !entries.closed, trailing_lines: trailing, lost_exact: entries.closed };
  if (entries.items.length === 0) return { ...base, text: null };
  return { ...base, text: serializeLogDocument({ schema_version: STORE_SCHEMA_VERSION, kind, document: entries.items }) };
}
