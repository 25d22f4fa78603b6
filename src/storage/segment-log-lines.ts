import { z } from 'zod';
import type { PredictionLog } from '../domain/prediction.js';
import { PredictionLogSchema } from '../domain/prediction.js';
import type { LabelIntent, SegmentFile } from './segment-files.js';
import { LabelIntentSchema } from './segment-files.js';
import { storedFileHeader } from './stored-file-version.js';

/**
 * A segment's log, predictions/segment-NNNNNNNN.jsonl: JSON lines, appended while the segment is
 * open (the highest-numbered log), never appended to once sealed (a later log exists). The first
 * line is the header; then, in commit order:
 *
 *   {"record":{…}}   a prediction (the next sequence number)
 *   {"label":{…}}    a new label for a prediction of this segment (replaces its label fields)
 *   {"intent":{…}}   a late label for a prediction of a sealed segment, logged before that
 *                    segment is rewritten (start-up applies it again if the rewrite did not finish)
 *
 * Folding the lines in order gives the segment (fold-segment-log.ts). A sealed log is rewritten
 * whole (compacted: header with `revision` bumped, record lines, intents) only for a late label.
 */
export const SegmentLogHeaderSchema = z.object({
  ...storedFileHeader('segment-log'),
  segment: z.number().int().min(0),
  /** Bumped each time a sealed segment is rewritten for late labels (0 until then). */
  revision: z.number().int().min(0),
  /** Sequence number of the first record line. */
  first_seq: z.number().int().min(0),
  created_at: z.string(),
});
export type SegmentLogHeader = z.infer<typeof SegmentLogHeaderSchema>;

/** The label fields a label line sets on a prediction of the open segment. */
export const LabelFieldsSchema = LabelIntentSchema.omit({ segment: true, target_revision: true });
export type LabelFields = z.infer<typeof LabelFieldsSchema>;

export const SegmentLogLineSchema = z.union([
  z.strictObject({ record: PredictionLogSchema }),
  z.strictObject({ label: LabelFieldsSchema }),
  z.strictObject({ intent: LabelIntentSchema }),
]);
export type SegmentLogLine = z.infer<typeof SegmentLogLineSchema>;

export function headerLine(header: SegmentLogHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** A record line, from the record's JSON text (cached by the caller). */
export function recordLine(recordText: string): string {
  return `{"record":${recordText}}\n`;
}

/** UTF-8 bytes of a record line whose record text is `recordTextBytes` long (the wrapper is ASCII). */
export function recordLineBytes(recordTextBytes: number): number {
  return recordTextBytes + RECORD_LINE_WRAPPER_BYTES;
}

const RECORD_LINE_WRAPPER_BYTES = recordLine('').length;

export function labelLine(record: PredictionLog): string {
  const { prediction_id, ground_truth, ground_truth_source, correct, labeled_at, rating } = record;
  return `${JSON.stringify({ label: { prediction_id, ground_truth, ground_truth_source, correct, labeled_at, rating } })}\n`;
}

export function intentLine(intent: LabelIntent): string {
  return `${JSON.stringify({ intent })}\n`;
}

/** The header of a segment's log. */
export function headerOf(segment: SegmentFile): SegmentLogHeader {
  const { schema_version, segment: number, revision, first_seq, created_at } = segment;
  return { schema_version, kind: 'segment-log', segment: number, revision, first_seq, created_at };
}

/** A whole log holding `segment` (header, records, logged late labels): for a new file, a migration or a repair. */
export function segmentLogText(segment: SegmentFile, recordText: (record: PredictionLog) => string = (record) => JSON.stringify(record)): string {
  return headerLine(headerOf(segment)) + segment.records.map((record) => recordLine(recordText(record))).join('') + segment.label_log.map(intentLine).join('');
}
