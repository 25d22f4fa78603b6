import fs from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { describeError } from '../logging/to-error.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { DurableJsonFile, parseStoredJson } from './durable-json-file.js';
import { nodeFileSystem } from './file-system.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import { parseSegmentFileName, SegmentFileSchema, segmentFileName, SegmentSummarySchema } from './segment-files.js';
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
  repair: 'set_aside' | 'rebuild_summary';
}

interface DoctorOptions {
  dataDir: string;
  contribute: Contribute;
  labelFingerprint: string;
}

/** Small files: read with a loose schema (header + an array), enough to tell whether they are sound. */
const LOG_FILES: Array<{ name: string; kind: string; key: string }> = [
  { name: 'training.json', kind: 'training-log', key: 'document' },
  { name: 'comparisons.json', kind: 'comparison-log', key: 'document' },
  { name: 'sensors-state.json', kind: 'sensors-state', key: 'document' },
];

interface Scan {
  problems: StoreProblem[];
  segments: Map<number, SegmentFile>;
  summaries: Map<number, SegmentSummary>;
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

async function scan(options: DoctorOptions): Promise<Scan> {
  const { dataDir } = options;
  const problems: StoreProblem[] = [];
  const segments = new Map<number, SegmentFile>();
  const summaries = new Map<number, SegmentSummary>();
  const rel = (path: string) => relative(dataDir, path);

  for (const file of LOG_FILES) {
    const path = join(dataDir, file.name);
    if (!(await nodeFileSystem.exists(path))) continue;
    const schema = z.object({ ...storedFileHeader(file.kind), [file.key]: z.unknown() });
    const result = await readJson(path, schema);
    if ('error' in result) problems.push({ file: rel(path), kind: 'unreadable', detail: result.error, repair: 'set_aside' });
  }

  const segmentsDir = join(dataDir, 'predictions');
  for (const name of (await nodeFileSystem.readdir(segmentsDir)).sort()) {
    const segment = parseSegmentFileName(name);
    if (segment === null) continue;
    const path = join(segmentsDir, name);
    const result = await readJson(path, SegmentFileSchema);
    if ('error' in result) problems.push({ file: rel(path), kind: 'unreadable', detail: result.error, repair: 'set_aside' });
    else if (result.value.segment !== segment) {
      problems.push({ file: rel(path), kind: 'unreadable', detail: `it says it is segment ${result.value.segment}`, repair: 'set_aside' });
    } else segments.set(segment, result.value);
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

  const unreadable = new Set(problems.map((problem) => problem.file));
  const highest = Math.max(0, ...segments.keys());
  for (const [segment, summary] of summaries) {
    const segmentPath = join('predictions', segmentFileName(segment));
    if (!summary.raw_dropped && !segments.has(segment) && !unreadable.has(segmentPath)) {
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
  return { problems, segments, summaries };
}

/** Checks every file of a data directory; changes nothing. */
export async function diagnoseStore(options: DoctorOptions): Promise<StoreProblem[]> {
  return (await scan(options)).problems;
}

export interface RepairReport {
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
 * Moves unreadable files (and summaries whose segment is gone) into `quarantine/<time>/`, never
 * deleting anything, then recomputes every summary from the segments that remain. Takes the data
 * directory's lock: the service must be stopped.
 */
export async function repairStore(options: DoctorOptions & { now?: Date }): Promise<RepairReport> {
  const release = await acquireDataDirLock(options.dataDir);
  try {
    const { problems, segments } = await scan(options);
    const report: RepairReport = { set_aside: [], rebuilt: [], quarantine: null, kept_segments: segments.size, kept_predictions: 0 };
    const aside = problems.filter((problem) => problem.repair === 'set_aside');
    // A segment set aside takes its summary along: the aggregates are rebuilt from what remains.
    for (const problem of [...aside]) {
      const segment = problem.file.startsWith('predictions/') ? parseSegmentFileName(problem.file.slice('predictions/'.length)) : null;
      if (segment === null) continue;
      const summary = join('aggregates', segmentFileName(segment));
      if ((await nodeFileSystem.exists(join(options.dataDir, summary))) && !aside.some((entry) => entry.file === summary)) {
        aside.push({ file: summary, kind: 'missing_segment', detail: 'its segment was set aside', repair: 'set_aside' });
      }
    }
    if (aside.length > 0) {
      const stamp = (options.now ?? new Date()).toISOString().replaceAll(':', '-');
      const quarantine = join(options.dataDir, 'quarantine', stamp);
      await fs.mkdir(quarantine, { recursive: true });
      report.quarantine = relative(options.dataDir, quarantine);
      for (const problem of aside) {
        const target = join(quarantine, problem.file.replaceAll('/', '__'));
        await fs.rename(join(options.dataDir, problem.file), target);
        report.set_aside.push(problem.file);
      }
    }
    const highest = Math.max(0, ...segments.keys());
    for (const [segment, data] of segments) {
      report.kept_predictions += data.records.length;
      const summaryPath = join(options.dataDir, 'aggregates', segmentFileName(segment));
      const needs = problems.some((problem) => problem.repair === 'rebuild_summary' && problem.file === join('aggregates', segmentFileName(segment)));
      if (!needs && !(segment !== highest && !(await nodeFileSystem.exists(summaryPath)))) continue;
      const adapter = new DurableJsonFile<SegmentSummary>(summaryPath, { schema: SegmentSummarySchema, serialize: (value) => `${JSON.stringify(value)}\n` });
      await adapter.write(summarizeSegment(data, options.contribute, options.labelFingerprint));
      report.rebuilt.push(relative(options.dataDir, summaryPath));
    }
    return report;
  } finally {
    await release();
  }
}
