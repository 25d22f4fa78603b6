import { describeError } from '../logging/to-error.js';
import { PredictionLogSchema } from '../domain/prediction.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { z } from 'zod';
import type { LabelIntent, SegmentFile } from './segment-files.js';
import { LabelIntentSchema } from './segment-files.js';
import type { SegmentLogHeader, SegmentLogLine } from './segment-log-lines.js';
import { LabelFieldsSchema, SegmentLogHeaderSchema } from './segment-log-lines.js';
import { migrateStoredFile } from './stored-file-version.js';

/** A line of the log that cannot be read, and is not its last one: the file is damaged. */
export interface SegmentLogDamage {
  /** 1-based line number. */
  line: number;
  /** Byte offset where the line starts. */
  offset: number;
  reason: string;
}

/** An unreadable last line left out of the fold: a commit that was cut short, never acknowledged. */
export interface TornTail {
  /** 1-based line number. */
  line: number;
  /** Byte offset where it starts: the file is cut back to this length. */
  offset: number;
  bytes: number;
  reason: string;
}

export interface FoldedSegmentLog {
  data: SegmentFile;
  /** Bytes of the lines folded, newlines included (the file's length once a torn tail is cut). */
  bytes: number;
  torn: TornTail | null;
}

/** One line of the file, split off with its byte offset; `complete` is false for a last line without its newline. */
interface RawLine {
  text: string;
  offset: number;
  bytes: number;
  complete: boolean;
}

/** Splits a log into lines with their byte offsets (a missing final newline makes the last line incomplete). */
export function splitLogLines(text: string): RawLine[] {
  const lines: RawLine[] = [];
  let offset = 0;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const complete = end >= 0;
    const lineText = text.slice(start, complete ? end : text.length);
    const bytes = Buffer.byteLength(lineText) + (complete ? 1 : 0);
    lines.push({ text: lineText, offset, bytes, complete });
    offset += bytes;
    start = complete ? end + 1 : text.length;
  }
  return lines;
}

function parseJson(text: string): { value: unknown } | { reason: string } {
  if (text.trim() === '') return { reason: 'an empty line' };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { reason: `not valid JSON: ${describeError(error)}` };
  }
}

function issue<T>(result: z.ZodSafeParseResult<T>, prefix: string): { value: T } | { reason: string } {
  if (result.success) return { value: result.data };
  const first = result.error.issues[0];
  const where = [prefix, ...(first?.path ?? []).map(String)].filter((part) => part !== '').join('.');
  return { reason: `does not match the expected format at ${where || '(root)'}: ${first?.message ?? 'invalid'}` };
}

/** The header line, brought forward from its schema version and validated. */
export function parseHeaderLine(text: string): { value: SegmentLogHeader } | { reason: string } {
  const parsed = parseJson(text);
  if ('reason' in parsed) return parsed;
  const migrated = migrateStoredFile(parsed.value);
  if ('reason' in migrated) return migrated;
  return issue(SegmentLogHeaderSchema.safeParse(migrated.value), '');
}

/** A record, label or intent line, validated. */
export function parseLogLine(text: string): { value: SegmentLogLine } | { reason: string } {
  const parsed = parseJson(text);
  if ('reason' in parsed) return parsed;
  const raw = parsed.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length !== 1) {
    return { reason: 'not a record, label or intent line' };
  }
  if ('record' in raw) {
    const result = issue(PredictionLogSchema.safeParse(raw.record), 'record');
    return 'reason' in result ? result : { value: { record: result.value } };
  }
  if ('label' in raw) {
    const result = issue(LabelFieldsSchema.safeParse(raw.label), 'label');
    return 'reason' in result ? result : { value: { label: result.value } };
  }
  if ('intent' in raw) {
    const result = issue(LabelIntentSchema.safeParse(raw.intent), 'intent');
    return 'reason' in result ? result : { value: { intent: result.value } };
  }
  return { reason: 'not a record, label or intent line' };
}

/** The segment as folded so far: records by id, logged late labels. */
export class SegmentFold {
  readonly records: PredictionLog[] = [];
  readonly ids = new Map<string, number>();
  readonly intents: LabelIntent[] = [];

  /** Applies one line; returns why it cannot be applied, or null. */
  apply(line: SegmentLogLine): string | null {
    if ('record' in line) {
      if (this.ids.has(line.record.prediction_id)) return `prediction_id "${line.record.prediction_id}" appears twice`;
      this.ids.set(line.record.prediction_id, this.records.length);
      this.records.push(line.record);
      return null;
    }
    if ('label' in line) {
      const index = this.ids.get(line.label.prediction_id);
      if (index === undefined) return `a label for prediction_id "${line.label.prediction_id}", which no earlier line holds`;
      this.records[index] = { ...this.records[index]!, ...line.label };
      return null;
    }
    this.intents.push(line.intent);
    return null;
  }

  toSegment(header: SegmentLogHeader): SegmentFile {
    const { segment, revision, first_seq, created_at, schema_version } = header;
    return { schema_version, kind: 'predictions-segment', segment, revision, first_seq, created_at, records: this.records, label_log: this.intents };
  }
}

/**
 * Folds a segment's log into the segment it holds. The last line may be unreadable (cut short, or
 * garbage a crash left after the last commit): for the open segment it was never acknowledged, so
 * it is left out and reported as `torn`. Any other unreadable line, or an unreadable header, is
 * damage. A sealed log has no torn tail (the open one's is cut away before a later log is
 * created): there `torn` is damage too (`SegmentFilesOnDisk.readSegment`).
 */
export function foldSegmentLog(text: string): { log: FoldedSegmentLog } | { damage: SegmentLogDamage } {
  const lines = splitLogLines(text);
  const first = lines[0];
  if (!first) return { damage: { line: 1, offset: 0, reason: 'the file is empty' } };
  const header = parseHeaderLine(first.text);
  if ('reason' in header) return { damage: { line: 1, offset: 0, reason: header.reason } };
  // The header is written with the file's first lines, renamed into place whole: never cut short.
  if (!first.complete) return { damage: { line: 1, offset: 0, reason: 'the header line has no newline' } };
  const fold = new SegmentFold();
  let bytes = first.bytes;
  for (let index = 1; index < lines.length; index += 1) {
    const raw = lines[index]!;
    const isLast = index === lines.length - 1;
    const parsed = raw.complete ? parseLogLine(raw.text) : { reason: 'the line is cut short (no newline)' };
    const reason = 'reason' in parsed ? parsed.reason : fold.apply(parsed.value);
    if (reason !== null) {
      if (isLast) return { log: { data: fold.toSegment(header.value), bytes, torn: { line: index + 1, offset: raw.offset, bytes: raw.bytes, reason } } };
      return { damage: { line: index + 1, offset: raw.offset, reason } };
    }
    bytes += raw.bytes;
  }
  return { log: { data: fold.toSegment(header.value), bytes, torn: null } };
}
