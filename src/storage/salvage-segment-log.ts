import type { SegmentFallback, SegmentSalvage } from './salvage-files.js';
import { parseHeaderLine, parseLogLine, SegmentFold, splitLogLines } from './fold-segment-log.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';

/**
 * Reads every line of a damaged segment log that parses, validates and applies (a label whose
 * record line is gone does not), in order, into a fresh segment. Each other line is lost, but a
 * last line cut short (for the open log, a commit never acknowledged): that one only sets
 * `cut_off`. A sealed log's summary (`fallback.record_count`) says how many records it held:
 * what it counted beyond the kept ones is lost too.
 */
export function salvageSegmentLog(text: string, segment: number, fallback: SegmentFallback, now: Date): SegmentSalvage {
  const lines = splitLogLines(text);
  const header = lines[0] ? parseHeaderLine(lines[0].text) : null;
  const fold = new SegmentFold();
  let lost = 0;
  let cutOff = false;
  for (let index = 1; index < lines.length; index += 1) {
    const raw = lines[index]!;
    if (!raw.complete) {
      cutOff = true;
      continue;
    }
    const parsed = parseLogLine(raw.text);
    if ('reason' in parsed || fold.apply(parsed.value) !== null) lost += 1;
  }
  const counted = fallback.record_count === null ? lost : Math.max(lost, fallback.record_count - fold.records.length);
  const base = { kept: fold.records.length, lost: counted, cut_off: cutOff, trailing_lines: 0, lost_exact: true };
  if (fold.records.length === 0 && fold.intents.length === 0) return { ...base, data: null };
  const known = header && 'value' in header ? header.value : null;
  return {
    ...base,
    data: {
      schema_version: STORE_SCHEMA_VERSION,
      kind: 'predictions-segment',
      segment,
      revision: known?.revision ?? fallback.revision,
      first_seq: known?.first_seq ?? fallback.first_seq,
      created_at: known?.created_at ?? fold.records[0]?.timestamp ?? now.toISOString(),
      records: fold.records,
      label_log: fold.intents,
    },
  };
}
