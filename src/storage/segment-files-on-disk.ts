import { basename, join } from 'node:path';
import { Low } from 'lowdb';
import type { PredictionLog } from '../domain/prediction.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { FileSystem } from './file-system.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import { openSegmentFileName, parseOpenSegmentFileName, parseSegmentFileName, SegmentFileSchema, segmentFileName, SegmentSummarySchema, serializeSegment } from './segment-files.js';
import type { FoldedSegmentLog } from './fold-segment-log.js';
import { foldSegmentLog } from './fold-segment-log.js';
import { segmentLogText } from './segment-log-lines.js';
import { CorruptFileError } from './storage-errors.js';
import { SegmentSummaryFastSchema } from './summary-fast-schema.js';

/**
 * The segment and summary files of one data directory (`predictions/`, `aggregates/`). A segment
 * is a log appended line by line while open (segment-log-lines.ts), folded when read; sealed, it
 * stays that log. Summaries, and the sealed segments of stores written by schema version 3 and
 * before, are lowdb documents read and written through the durable adapter. Record texts are
 * cached, so a record is serialised once.
 */
export class SegmentFilesOnDisk {
  readonly segmentsDir: string;
  readonly summariesDir: string;
  readonly #fs: FileSystem;
  readonly #texts = new WeakMap<PredictionLog, string>();
  /**
   * Segments with a sealed JSON document, as last listed (listSegments, at start-up) and kept up to
   * date by this object's writes and removals: which form a sealed segment has (sealedSegmentPath).
   */
  readonly #documents = new Set<number>();

  constructor(dataDir: string, fs: FileSystem) {
    this.segmentsDir = join(dataDir, 'predictions');
    this.summariesDir = join(dataDir, 'aggregates');
    this.#fs = fs;
  }

  async createDirectories(): Promise<void> {
    await this.#fs.mkdir(this.segmentsDir);
    await this.#fs.mkdir(this.summariesDir);
  }

  segmentPath(segment: number): string {
    return join(this.segmentsDir, segmentFileName(segment));
  }

  summaryPath(segment: number): string {
    return join(this.summariesDir, segmentFileName(segment));
  }

  openSegmentPath(segment: number): string {
    return join(this.segmentsDir, openSegmentFileName(segment));
  }

  /** The file of a sealed segment: its JSON document when one was listed or written, else its log. */
  sealedSegmentPath(segment: number): string {
    return this.#documents.has(segment) ? this.segmentPath(segment) : this.openSegmentPath(segment);
  }

  /** Segment numbers with a segment file (a log, a sealed JSON document, or both), ascending; notes which are documents. */
  async listSegments(): Promise<number[]> {
    const names = await this.#fs.readdir(this.segmentsDir);
    const numbers = new Set<number>();
    this.#documents.clear();
    for (const name of names) {
      const log = parseOpenSegmentFileName(name);
      const document = parseSegmentFileName(name);
      if (document !== null) this.#documents.add(document);
      if (log !== null || document !== null) numbers.add((log ?? document)!);
    }
    return [...numbers].sort((a, b) => a - b);
  }

  /** Segment numbers of the sealed JSON documents present (written by schema version 3 and before), ascending. */
  async listSegmentDocuments(): Promise<number[]> {
    const numbers = (await this.#fs.readdir(this.segmentsDir)).map(parseSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
    for (const segment of numbers) this.#documents.add(segment);
    return numbers;
  }

  /** Segment numbers of the logs present, ascending: the highest is the open segment (unless it has a summary), every lower one is sealed. */
  async listSegmentLogs(): Promise<number[]> {
    return (await this.#fs.readdir(this.segmentsDir)).map(parseOpenSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
  }

  async listSummaries(): Promise<number[]> {
    return (await this.#fs.readdir(this.summariesDir)).map(parseSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
  }

  /**
   * A new record's text in the segment file, not kept: it is appended once, and keeping the text
   * of every record the open segment and the cache hold doubled what each record leaves in the
   * old generation. A rewrite for late labels makes and keeps the texts it needs (`text`).
   */
  newText(record: PredictionLog): string {
    return JSON.stringify(record);
  }

  /** A record's text in the segment file (kept while the record is: rewrites reuse it). */
  text(record: PredictionLog): string {
    let text = this.#texts.get(record);
    if (text === undefined) {
      text = JSON.stringify(record);
      this.#texts.set(record, text);
    }
    return text;
  }

  /** Bytes of a record's text in the file (UTF-8), which is what segment_max_bytes bounds. */
  size(record: PredictionLog): number {
    return Buffer.byteLength(this.text(record));
  }

  #segmentDb(segment: number): Low<SegmentFile | null> {
    const adapter = new DurableJsonFile<SegmentFile | null>(this.segmentPath(segment), {
      schema: SegmentFileSchema,
      serialize: (data) => serializeSegment(data!, (record) => this.text(record)),
      fs: this.#fs,
    });
    return new Low<SegmentFile | null>(adapter, null);
  }

  #summaryDb(segment: number): Low<SegmentSummary | null> {
    const adapter = new DurableJsonFile<SegmentSummary | null>(this.summaryPath(segment), {
      schema: SegmentSummarySchema,
      fastSchema: SegmentSummaryFastSchema,
      serialize: (data) => `${JSON.stringify(data)}\n`,
      fs: this.#fs,
    });
    return new Low<SegmentSummary | null>(adapter, null);
  }

  /** Writes a sealed segment as a JSON document (a repair of a damaged document keeps its form). */
  async writeSegmentDocument(data: SegmentFile): Promise<void> {
    const db = this.#segmentDb(data.segment);
    db.data = data;
    await db.write();
    this.#documents.add(data.segment);
  }

  /**
   * Rewrites a sealed segment whole (late labels, a re-applied logged label) in the form it has on
   * disk: a sealed JSON document of an older store stays one; otherwise a compacted log (header
   * with the new revision, record lines, logged intents): temp file, fsync, rename, directory fsync.
   */
  async writeSegment(data: SegmentFile): Promise<void> {
    if (this.#documents.has(data.segment)) return this.writeSegmentDocument(data);
    await this.createOpenSegment(data.segment, segmentLogText(data, (record) => this.text(record)));
  }

  async writeSummary(summary: SegmentSummary): Promise<void> {
    const db = this.#summaryDb(summary.segment);
    db.data = summary;
    await db.write();
  }

  /**
   * Reads and validates a sealed segment: its log, or (a store of schema version 3 and before) its
   * JSON document. CorruptFileError names the file when it is missing or wrong; in a sealed log
   * every line must read, the last one too (line and byte named).
   */
  async readSegment(segment: number): Promise<SegmentFile> {
    if (this.#documents.has(segment)) return this.readSegmentDocument(segment);
    const path = this.openSegmentPath(segment);
    const text = await this.#fs.readFile(path);
    if (text === null) return this.readSegmentDocument(segment);
    const folded = foldSegmentLog(text);
    if ('damage' in folded) {
      const { line, offset, reason } = folded.damage;
      throw new CorruptFileError(path, `line ${line} (byte ${offset}): ${reason}`);
    }
    const { data, torn } = folded.log;
    if (torn) throw new CorruptFileError(path, `line ${torn.line} (byte ${torn.offset}): ${torn.reason}`);
    if (data.segment !== segment) throw new CorruptFileError(path, `it says it is segment ${data.segment}`);
    return data;
  }

  /** Reads and validates a sealed JSON document; CorruptFileError names it when it is missing or wrong. */
  async readSegmentDocument(segment: number): Promise<SegmentFile> {
    const db = this.#segmentDb(segment);
    await db.read();
    const path = this.segmentPath(segment);
    if (!db.data) throw new CorruptFileError(path, 'the file is missing');
    if (db.data.segment !== segment) throw new CorruptFileError(path, `it says it is segment ${db.data.segment}`);
    return db.data;
  }

  async readSummary(segment: number): Promise<SegmentSummary> {
    const db = this.#summaryDb(segment);
    await db.read();
    const path = this.summaryPath(segment);
    if (!db.data) throw new CorruptFileError(path, 'the file is missing');
    if (db.data.segment !== segment) throw new CorruptFileError(path, `it says it is segment ${db.data.segment}`);
    return db.data;
  }

  /**
   * Reads and folds the open segment's log. An unreadable last line is left out (`torn`: the
   * caller cuts it away); any other unreadable line is a CorruptFileError naming the file, line and byte.
   */
  async readOpenSegment(segment: number): Promise<FoldedSegmentLog> {
    const path = this.openSegmentPath(segment);
    const text = await this.#fs.readFile(path);
    if (text === null) throw new CorruptFileError(path, 'the file is missing');
    const folded = foldSegmentLog(text);
    if ('damage' in folded) {
      const { line, offset, reason } = folded.damage;
      throw new CorruptFileError(path, `line ${line} (byte ${offset}): ${reason}`);
    }
    if (folded.log.data.segment !== segment) throw new CorruptFileError(path, `it says it is segment ${folded.log.data.segment}`);
    return folded.log;
  }

  /** Creates the open segment's log with its first lines: a temp file, fsynced, renamed, the directory fsynced. */
  async createOpenSegment(segment: number, text: string): Promise<void> {
    const path = this.openSegmentPath(segment);
    const temp = join(this.segmentsDir, `.${basename(path)}.tmp`);
    await this.#fs.writeFileSynced(temp, text);
    await this.#fs.rename(temp, path);
    await this.#fs.syncDirectory(this.segmentsDir);
  }

  /** Appends a commit's lines to the open segment's log and fdatasyncs them: the commit point. */
  appendOpenSegment(segment: number, text: string): Promise<void> {
    return this.#fs.appendFileSynced(this.openSegmentPath(segment), text);
  }

  /** Cuts the open segment's log back to `length` bytes, durably (a torn tail, or a failed append). */
  truncateOpenSegment(segment: number, length: number): Promise<void> {
    return this.#fs.truncateFileSynced(this.openSegmentPath(segment), length);
  }

  /**
   * Removes the log of a segment whose sealed JSON document (schema version 3) is durably in
   * place: a stop while version 3 sealed it. Not fsynced by default.
   */
  async removeSegmentLog(segment: number, options: { syncDirectory?: boolean } = {}): Promise<void> {
    await this.#fs.unlink(this.openSegmentPath(segment));
    if (options.syncDirectory) await this.#fs.syncDirectory(this.segmentsDir);
  }

  /** Removes a sealed JSON document durably (one converted to a log). */
  async removeSegmentDocument(segment: number): Promise<void> {
    this.#documents.delete(segment);
    await this.#fs.unlink(this.segmentPath(segment));
    await this.#fs.syncDirectory(this.segmentsDir);
  }

  /** Removes a sealed segment's file, its log or its JSON document, durably (retention). */
  async removeSegment(segment: number): Promise<void> {
    await this.#fs.unlink(this.sealedSegmentPath(segment));
    this.#documents.delete(segment);
    await this.#fs.syncDirectory(this.segmentsDir);
  }
}
