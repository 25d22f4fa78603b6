import { basename, join } from 'node:path';
import { Low } from 'lowdb';
import type { PredictionLog } from '../domain/prediction.js';
import { DurableJsonFile } from './durable-json-file.js';
import type { FileSystem } from './file-system.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import { openSegmentFileName, parseOpenSegmentFileName, parseSegmentFileName, SegmentFileSchema, segmentFileName, SegmentSummarySchema, serializeSegment } from './segment-files.js';
import type { FoldedSegmentLog } from './fold-segment-log.js';
import { foldSegmentLog } from './fold-segment-log.js';
import { CorruptFileError } from './storage-errors.js';

/**
 * The segment and summary files of one data directory (`predictions/`, `aggregates/`). Sealed
 * segments and summaries are read and written as lowdb documents through the durable adapter;
 * the open segment is a log appended line by line (segment-log-lines.ts), folded when read.
 * Record texts are cached, so a record is serialised once.
 */
export class SegmentFilesOnDisk {
  readonly segmentsDir: string;
  readonly summariesDir: string;
  readonly #fs: FileSystem;
  readonly #texts = new WeakMap<PredictionLog, string>();

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

  /** Segment numbers of the sealed segment files present, ascending. */
  async listSegments(): Promise<number[]> {
    return (await this.#fs.readdir(this.segmentsDir)).map(parseSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
  }

  /** Segment numbers of the open segment logs present (one, but for a stop during sealing), ascending. */
  async listOpenSegments(): Promise<number[]> {
    return (await this.#fs.readdir(this.segmentsDir)).map(parseOpenSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
  }

  async listSummaries(): Promise<number[]> {
    return (await this.#fs.readdir(this.summariesDir)).map(parseSegmentFileName).filter((n): n is number => n !== null).sort((a, b) => a - b);
  }

  /** A record's text in the segment file. */
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
      serialize: (data) => `${JSON.stringify(data)}\n`,
      fs: this.#fs,
    });
    return new Low<SegmentSummary | null>(adapter, null);
  }

  async writeSegment(data: SegmentFile): Promise<void> {
    const db = this.#segmentDb(data.segment);
    db.data = data;
    await db.write();
  }

  async writeSummary(summary: SegmentSummary): Promise<void> {
    const db = this.#summaryDb(summary.segment);
    db.data = summary;
    await db.write();
  }

  /** Reads and validates a segment file; CorruptFileError names it when it is missing or wrong. */
  async readSegment(segment: number): Promise<SegmentFile> {
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
   * Removes the log of a segment whose sealed file is durably in place. Not fsynced by default:
   * a log that comes back after a power cut is removed again at start-up (its sealed file holds
   * all it does); the next fsync of the directory makes the removal durable anyway.
   */
  async removeOpenSegment(segment: number, options: { syncDirectory?: boolean } = {}): Promise<void> {
    await this.#fs.unlink(this.openSegmentPath(segment));
    if (options.syncDirectory) await this.#fs.syncDirectory(this.segmentsDir);
  }

  /** Removes a segment file durably (retention). */
  async removeSegment(segment: number): Promise<void> {
    await this.#fs.unlink(this.segmentPath(segment));
    await this.#fs.syncDirectory(this.segmentsDir);
  }
}
