import { relative } from 'node:path';
import type { SegmentFile } from './segment-files.js';
import { segmentLogText } from './segment-log-lines.js';
import { CorruptFileError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

export interface RecoveredOpenSegment {
  data: SegmentFile;
  /** Length of its log on disk. */
  fileBytes: number;
}

/**
 * Settles the segment files at start-up and returns which segment is open, if any. `present`
 * holds the segment numbers with a file (logs and sealed JSON documents); the open one leaves it.
 *
 * - a log beside a sealed JSON document of the same number is what a stop while schema version 3
 *   sealed it left (the document holds everything the log does): it is removed;
 * - the highest remaining log is the open segment, unless it has a summary: then it was sealed
 *   just before a stop (the summary is written alongside the commit that creates the next log)
 *   and no segment is open. Every lower log is a sealed segment;
 * - without a log, the highest segment document without a summary is an open segment in the old
 *   single-document form (schema version 2, or a repair's output): `readOpenSegment` converts it.
 */
export async function findOpenSegment(state: StoreState, present: Set<number>): Promise<{ segment: number; form: 'log' | 'document' } | null> {
  const { logger, readOnly } = state.options;
  const documents = new Set(await state.files.listSegmentDocuments());
  const logs: number[] = [];
  for (const segment of await state.files.listSegmentLogs()) {
    if (!present.has(segment)) continue;
    if (!documents.has(segment)) {
      logs.push(segment);
      continue;
    }
    // The document was renamed into place whole, before the log was due to go; read it first
    // all the same, so a damaged one is named (and the log kept) rather than trusted.
    await state.files.readSegmentDocument(segment);
    if (!readOnly) await state.files.removeSegmentLog(segment, { syncDirectory: true });
    logger.info('removed the log of a segment sealed just before a stop', { segment });
  }
  const highest = Math.max(0, ...present);
  const log = logs.at(-1);
  if (log !== undefined && !state.sealed.has(log)) {
    if (highest > log) throw new CorruptFileError(state.files.openSegmentPath(log), `it is open, but segment ${highest} after it is sealed`);
    present.delete(log);
    return { segment: log, form: 'log' };
  }
  if (highest > 0 && documents.has(highest) && !state.sealed.has(highest)) {
    present.delete(highest);
    return { segment: highest, form: 'document' };
  }
  return null;
}

/**
 * Reads the open segment. A log's unreadable last line (a commit cut short: never acknowledged)
 * is dropped with a warning naming the file and byte offset, and cut away; a segment in the old
 * single-document form becomes a log (the document file is removed once the log is on disk).
 * A read-only store changes no file.
 */
export async function readOpenSegment(state: StoreState, open: { segment: number; form: 'log' | 'document' }): Promise<RecoveredOpenSegment> {
  const { logger, readOnly, dataDir } = state.options;
  const { segment } = open;
  if (open.form === 'document') {
    const data = await state.files.readSegmentDocument(segment);
    const text = segmentLogText(data, (record) => state.files.text(record));
    if (!readOnly) {
      await state.files.createOpenSegment(segment, text);
      await state.files.removeSegmentDocument(segment);
      logger.info('rewrote the open segment as an append-only log (store schema version 3)', { segment, records: data.records.length });
    }
    return { data, fileBytes: Buffer.byteLength(text) };
  }
  const cut = state.cutOpenSegmentTo;
  if (cut && cut.segment === segment && !readOnly) {
    await state.files.truncateOpenSegment(segment, cut.bytes);
    state.cutOpenSegmentTo = null;
  }
  const folded = await state.files.readOpenSegment(segment);
  if (folded.torn) {
    const file = relative(dataDir, state.files.openSegmentPath(segment));
    const fields = { file, offset: folded.torn.offset, bytes: folded.torn.bytes, reason: folded.torn.reason };
    if (readOnly) {
      // A reader (the CLI) may see the service's commit in the middle of its append.
      logger.debug('left out the unreadable last line of the open segment', fields);
    } else {
      logger.warn('dropped the unreadable last line of the open segment: a commit cut short by a stop, never acknowledged', fields);
      await state.files.truncateOpenSegment(segment, folded.bytes);
    }
  }
  return { data: folded.data, fileBytes: folded.bytes };
}
