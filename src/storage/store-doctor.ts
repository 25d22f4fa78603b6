import fs from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { TrainingLogSchema } from '../domain/training.js';
import { VersionRegistrationSchema } from '../domain/versions.js';
import { describeError } from '../logging/to-error.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { parseStoredJson } from './durable-json-file.js';
import { nodeFileSystem } from './file-system.js';
import type { Salvage, SegmentFallback } from './salvage-files.js';
import { salvageLog, salvageSegment } from './salvage-files.js';
import { foldSegmentLog } from './fold-segment-log.js';
import { salvageSegmentLog } from './salvage-segment-log.js';
import { segmentLogText } from './segment-log-lines.js';
import { SegmentFilesOnDisk } from './segment-files-on-disk.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import { openSegmentFileName, parseOpenSegmentFileName, parseSegmentFileName, SegmentFileSchema, segmentFileName, SegmentSummarySchema } from './segment-files.js';
import { CorruptFileError } from './storage-errors.js';
import { storedFileHeader } from './stored-file-version.js';
import type { Contribute } from './summarize-segment.js';
import { summarizeSegment } from './summarize-segment.js';

/** One thing wrong in a data directory, named by its file. */
export interface StoreProblem {
  /** Path relative to the data directory. */
  file: string;
  kind: 'unreadable' | 'missing_segment' | 'missing_summary' | 'stale_summary' | 'wrong_counts';
  detail: string;
  /** What `repair` does about it. */
  repair: 'salvage' | 'set_aside' | 'rebuild_summary';
  /** For `salvage`: what repair keeps and loses of the file's records. */
  salvage?: Salvage;
}

interface DoctorOptions {
  dataDir: string;
  contribute: Contribute;
  labelFingerprint: string;
}

/** The logs, read with their entries' schemas (a damaged one is salvaged entry by entry), and the sensors' state (set aside whole). */
const SMALL_FILES: Array<{ name: string; kind: string; entry: z.ZodType | null }> = [
  { name: 'training.json', kind: 'training-log', entry: TrainingLogSchema },
  { name: 'comparisons.json', kind: 'comparison-log', entry: ModelComparisonSchema },
  { name: 'versions.json', kind: 'version-registry', entry: VersionRegistrationSchema },
  { name: 'sensors-state.json', kind: 'sensors-state', entry: null },
];

interface Scan {
  problems: StoreProblem[];
  segments: Map<number, SegmentFile>;
  summaries: Map<number, SegmentSummary>;
  /** Fresh contents for the files to salvage, by relative path (null: nothing readable). */
  salvaged: Map<string, { segment: SegmentFile | null } | { log: string | null }>;
}

function describeSalvage(salvage: Salvage, noun: string): string {
  if (salvage.kept === 0 && salvage.lost === 0 && !salvage.lost_exact) return 'nothing in it can be read';
  const parts = [`repair keeps ${salvage.kept} ${noun}`, `loses ${salvage.lost_exact ? '' : 'at least '}${salvage.lost}`];
  if (salvage.cut_off) parts.push('the file ends early');
  if (salvage.trailing_lines > 0) parts.push(`${salvage.trailing_lines} garbage line(s) after its end are dropped`);
  return parts.join('; ');
}

/** Whether `a` (stored) counts what `b` (recomputed) does; a summary from version 1 has no predicted-class counts to compare. */
function sameCounts(a: SegmentSummary, b: SegmentSummary): boolean {
  const withPredicted = a.predicted_complete;
  const strip = (summary: SegmentSummary) =>
    JSON.stringify(
      summary.groups.map((group) => ({
        ...group,
        buckets: group.buckets.map((bucket) => ({
          ...bucket,
          confidence_sum: Math.round(bucket.confidence_sum * 1e6),
          cells: [...bucket.cells].sort(),
          predicted: withPredicted ? [...bucket.predicted].sort() : [],
        })),
      })),
    );
  return a.record_count === b.record_count && a.first_seq === b.first_seq && strip(a) === strip(b);
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: parseStoredJson(path, await fs.readFile(path, 'utf8'), schema) };
  } catch (error) {
    return { error: error instanceof CorruptFileError ? error.reason : describeError(error) };
  }
}

async function scan(options: DoctorOptions, now: Date): Promise<Scan> {
  const { dataDir } = options;
  const problems: StoreProblem[] = [];
  const segments = new Map<number, SegmentFile>();
  const summaries = new Map<number, SegmentSummary>();
  const salvaged: Scan['salvaged'] = new Map();
  const rel = (path: string) => relative(dataDir, path);

  for (const file of SMALL_FILES) {
    const path = join(dataDir, file.name);
    if (!(await nodeFileSystem.exists(path))) continue;
    const schema = z.object({ ...storedFileHeader(file.kind), document: file.entry ? z.array(file.entry) : z.unknown() });
    const result = await readJson(path, schema);
    if (!('error' in result)) continue;
    if (file.entry === null) {
      problems.push({ file: rel(path), kind: 'unreadable', detail: result.error, repair: 'set_aside' });
      continue;
    }
    const { text, ...salvage } = salvageLog(await fs.readFile(path, 'utf8'), file.kind, file.entry);
    salvaged.set(rel(path), { log: text });
    problems.push({ file: rel(path), kind: 'unreadable', detail: `${result.error} (${describeSalvage(salvage, 'entries')})`, repair: 'salvage', salvage });
  }

  const summariesDir = join(dataDir, 'aggregates');
  for (const name of (await nodeFileSystem.readdir(summariesDir)).sort()) {
    const segment = parseSegmentFileName(name);
    if (segment === null) continue;
    const path = join(summariesDir, name);
    const result = await readJson(path, SegmentSummarySchema);
    if ('error' in result) problems.push({ file: rel(path), kind: 'unreadable', detail: result.error, repair: 'set_aside' });
    else summaries.set(segment, result.value);
  }
  const segmentsDir = join(dataDir, 'predictions');
  let nextSeq = 0;
  const names = (await nodeFileSystem.readdir(segmentsDir)).sort();
  // The open segment: the highest log (not beside a version-3 sealed document), unless it has a
  // summary (sealed just before a stop). Every other log is sealed: a torn last line there is damage.
  const documents = new Set(names.map(parseSegmentFileName).filter((n): n is number => n !== null));
  const highestLog = Math.max(-1, ...names.map(parseOpenSegmentFileName).filter((n): n is number => n !== null && !documents.has(n)));
  const openLog = summaries.has(highestLog) ? null : highestLog;
  for (const name of names) {
    const logSegment = parseOpenSegmentFileName(name);
    // A log beside its sealed document (a stop while version 3 sealed it) is removed at start-up: not a problem.
    if (logSegment !== null && !documents.has(logSegment)) {
      const path = join(segmentsDir, name);
      const text = await fs.readFile(path, 'utf8');
      const folded = foldSegmentLog(text);
      const summary = summaries.get(logSegment);
      // A torn last line of the open log is a commit never acknowledged: start-up cuts it away.
      if ('log' in folded && (folded.log.torn === null || logSegment === openLog)) {
        segments.set(logSegment, folded.log.data);
        nextSeq = folded.log.data.first_seq + folded.log.data.records.length;
        if (summary) nextSeq = Math.max(nextSeq, summary.first_seq + summary.record_count);
        continue;
      }
      const fallback: SegmentFallback = summary
        ? { first_seq: summary.first_seq, revision: summary.source_revision, record_count: summary.raw_dropped ? null : summary.record_count }
        : { first_seq: nextSeq, revision: 0, record_count: null };
      const { data, ...salvage } = salvageSegmentLog(text, logSegment, fallback, now);
      salvaged.set(rel(path), { segment: data });
      const { line, offset, reason } = 'damage' in folded ? folded.damage : folded.log.torn!;
      problems.push({ file: rel(path), kind: 'unreadable', detail: `line ${line} (byte ${offset}): ${reason} (${describeSalvage(salvage, 'predictions')})`, repair: 'salvage', salvage });
      if (data) nextSeq = data.first_seq + data.records.length;
      if (summary) nextSeq = Math.max(nextSeq, summary.first_seq + summary.record_count);
      continue;
    }
    const segment = parseSegmentFileName(name);
    if (segment === null) continue;
    const path = join(segmentsDir, name);
    const summary = summaries.get(segment);
    const result = await readJson(path, SegmentFileSchema);
    if ('error' in result) {
      const fallback: SegmentFallback = summary
        ? { first_seq: summary.first_seq, revision: summary.source_revision, record_count: summary.raw_dropped ? null : summary.record_count }
        : { first_seq: nextSeq, revision: 0, record_count: null };
      const { data, ...salvage } = salvageSegment(await fs.readFile(path, 'utf8'), segment, fallback, now);
      salvaged.set(rel(path), { segment: data });
      problems.push({ file: rel(path), kind: 'unreadable', detail: `${result.error} (${describeSalvage(salvage, 'predictions')})`, repair: 'salvage', salvage });
      if (data) nextSeq = data.first_seq + data.records.length;
    } else if (result.value.segment !== segment) {
      problems.push({ file: rel(path), kind: 'unreadable', detail: `it says it is segment ${result.value.segment}`, repair: 'set_aside' });
    } else {
      segments.set(segment, result.value);
      nextSeq = result.value.first_seq + result.value.records.length;
    }
    if (summary) nextSeq = Math.max(nextSeq, summary.first_seq + summary.record_count);
  }

  const unreadable = new Set(problems.map((problem) => problem.file));
  const highest = Math.max(0, ...segments.keys());
  for (const [segment, summary] of summaries) {
    // Its segment is a log (schema version 4) or a sealed JSON document (version 3 and before).
    const segmentPath = join('predictions', openSegmentFileName(segment));
    if (!summary.raw_dropped && !segments.has(segment) && !unreadable.has(segmentPath) && !unreadable.has(join('predictions', segmentFileName(segment)))) {
      problems.push({
        file: join('aggregates', segmentFileName(segment)),
        kind: 'missing_segment',
        detail: `its segment ${segmentPath} is missing, but it counts ${summary.record_count} predictions`,
        repair: 'set_aside',
      });
    }
  }
  for (const [segment, data] of segments) {
    const summaryPath = join('aggregates', segmentFileName(segment));
    const summary = summaries.get(segment);
    if (!summary) {
      if (segment !== highest && !unreadable.has(summaryPath)) {
        problems.push({ file: summaryPath, kind: 'missing_summary', detail: `sealed segment ${segment} has no summary`, repair: 'rebuild_summary' });
      }
      continue;
    }
    const expected = summarizeSegment(data, options.contribute, options.labelFingerprint);
    if (summary.source_revision < data.revision) {
      problems.push({ file: summaryPath, kind: 'stale_summary', detail: `computed from revision ${summary.source_revision}, the segment is at ${data.revision}`, repair: 'rebuild_summary' });
    } else if (summary.label_fingerprint === options.labelFingerprint && !sameCounts(summary, expected)) {
      problems.push({ file: summaryPath, kind: 'wrong_counts', detail: 'its counts differ from the segment\'s records', repair: 'rebuild_summary' });
    }
  }
  return { problems, segments, summaries, salvaged };
}

/** Checks every file of a data directory; changes nothing. */
export async function diagnoseStore(options: DoctorOptions): Promise<StoreProblem[]> {
  return (await scan(options, new Date())).problems;
}

export interface RepairReport {
  /** Damaged files whose readable records were written into a fresh file of the same name; the original is in the quarantine. */
  salvaged: Array<{ file: string } & Salvage>;
  /** Files moved into the quarantine folder (relative to the data directory). */
  set_aside: string[];
  /** Summary files recomputed from their segment's records. */
  rebuilt: string[];
  /** Where the set-aside files went. */
  quarantine: string | null;
  kept_segments: number;
  kept_predictions: number;
}

/**
 * Salvages damaged segments and logs (every record that parses and validates goes into a fresh
 * file; the original is moved into `quarantine/<time>/` untouched), moves other unreadable files
 * (and summaries whose segment is gone) there too, never deleting anything, then recomputes the
 * summaries of the segments that changed or lack one. Takes the data directory's lock: the
 * service must be stopped.
 */
export async function repairStore(options: DoctorOptions & { now?: Date }): Promise<RepairReport> {
  const release = await acquireDataDirLock(options.dataDir);
  try {
    const now = options.now ?? new Date();
    const { problems, segments, salvaged } = await scan(options, now);
    const report: RepairReport = { salvaged: [], set_aside: [], rebuilt: [], quarantine: null, kept_segments: 0, kept_predictions: 0 };
    const aside = problems.filter((problem) => problem.repair !== 'rebuild_summary');
    const rebuild = new Set<number>();
    for (const problem of [...aside]) {
      const name = problem.file.startsWith('predictions/') ? problem.file.slice('predictions/'.length) : null;
      const segment = name === null ? null : (parseSegmentFileName(name) ?? parseOpenSegmentFileName(name));
      if (segment === null) continue;
      const fresh = salvaged.get(problem.file);
      if (fresh && 'segment' in fresh && fresh.segment) {
        segments.set(segment, fresh.segment);
        rebuild.add(segment);
        continue;
      }
      // A segment set aside with nothing readable takes its summary along.
      const summary = join('aggregates', segmentFileName(segment));
      if ((await nodeFileSystem.exists(join(options.dataDir, summary))) && !aside.some((entry) => entry.file === summary)) {
        aside.push({ file: summary, kind: 'missing_segment', detail: 'its segment was set aside', repair: 'set_aside' });
      }
    }
    if (aside.length > 0) {
      const quarantine = join(options.dataDir, 'quarantine', now.toISOString().replaceAll(':', '-'));
      await fs.mkdir(quarantine, { recursive: true });
      report.quarantine = relative(options.dataDir, quarantine);
      for (const problem of aside) {
        await fs.rename(join(options.dataDir, problem.file), join(quarantine, problem.file.replaceAll('/', '__')));
        if (problem.repair === 'salvage' && problem.salvage) report.salvaged.push({ file: problem.file, ...problem.salvage });
        else report.set_aside.push(problem.file);
      }
    }
    const files = new SegmentFilesOnDisk(options.dataDir, nodeFileSystem);
    for (const [file, fresh] of salvaged) {
      if ('segment' in fresh && fresh.segment) {
        // A log is written again as a log; a sealed JSON document (schema version 3 and before) as one.
        if (file.endsWith('.jsonl')) await files.createOpenSegment(fresh.segment.segment, segmentLogText(fresh.segment));
        else await files.writeSegmentDocument(fresh.segment);
      }
      if ('log' in fresh && fresh.log !== null) {
        const path = join(options.dataDir, file);
        const temp = join(options.dataDir, `.${file}.tmp`);
        await nodeFileSystem.writeFileSynced(temp, fresh.log);
        await nodeFileSystem.rename(temp, path);
        await nodeFileSystem.syncDirectory(options.dataDir);
      }
    }
    const highest = Math.max(0, ...segments.keys());
    report.kept_segments = segments.size;
    for (const [segment, data] of [...segments].sort(([a], [b]) => a - b)) {
      report.kept_predictions += data.records.length;
      const summaryPath = join(options.dataDir, 'aggregates', segmentFileName(segment));
      const hasSummary = await nodeFileSystem.exists(summaryPath);
      const needs = problems.some((problem) => problem.repair === 'rebuild_summary' && problem.file === join('aggregates', segmentFileName(segment)));
      if (!needs && !(rebuild.has(segment) && hasSummary) && !(segment !== highest && !hasSummary)) continue;
      await files.writeSummary(summarizeSegment(data, options.contribute, options.labelFingerprint));
      report.rebuilt.push(relative(options.dataDir, summaryPath));
    }
    return report;
  } finally {
    await release();
  }
}
