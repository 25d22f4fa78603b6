import { decodeIdHashes, IdHashIndex } from './id-hashes.js';
import { reopenSegment } from './open-segment.js';
import { readAhead } from './read-ahead.js';
import { findOpenSegment, readOpenSegment } from './recover-open-segment.js';
import { indexRecords } from './segment-cache.js';
import { sealedSegmentOf } from './sealed-segment.js';
import type { LabelIntent, SegmentFile, SummaryGroup } from './segment-files.js';
import { CorruptFileError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/** Summary files read ahead at start-up while the earlier ones are added (more gained nothing measurable). */
const SUMMARIES_READ_AHEAD = 8;

/**
 * Reads the store's files into `state` (empty) at start-up, and finishes what a stop left undone:
 * summaries missing or computed with other label settings are rebuilt, a raw file retention meant
 * to remove is removed, the open segment's torn last line is cut away (recover-open-segment.ts),
 * logged late labels are re-applied. A read-only store repairs only in memory.
 */
export async function loadStore(state: StoreState): Promise<void> {
  const { logger, readOnly } = state.options;
  const segmentNumbers = await state.files.listSegments();
  const summaryNumbers = await state.files.listSummaries();
  const segmentSet = new Set(segmentNumbers);
  const hashes = new Map<number, Uint32Array>();
  // Counts of summaries recomputed here (start-up repairs): the aggregates are then built again
  // from these and the summary files, in the same order as when nothing needs repair.
  const repaired = new Map<number, SummaryGroup[]>();

  for await (const summary of readAhead(summaryNumbers, (segment) => state.files.readSummary(segment), SUMMARIES_READ_AHEAD)) {
    const segment = summary.segment;
    const segmentPath = state.files.sealedSegmentPath(segment);
    if (!summary.raw_dropped && !segmentSet.has(segment)) {
      throw new CorruptFileError(segmentPath, `the file is missing, but its summary says it holds ${summary.record_count} predictions`);
    }
    if (summary.raw_dropped && segmentSet.has(segment)) {
      // Retention wrote the summary but was stopped before removing the raw file.
      if (!readOnly) {
        await state.files.removeSegment(segment);
        logger.info('removed the raw records of a segment retention had dropped (it was stopped before removing them)', { segment });
      }
      segmentSet.delete(segment);
    }
    state.sealed.set(segment, sealedSegmentOf(summary));
    hashes.set(segment, decodeIdHashes(summary.id_hashes));
    // Into the aggregates at once: memory keeps no counts per segment, and holding every summary
    // until the end was the start-up's peak heap.
    for (const group of summary.groups) state.aggregates.addGroup(group);
  }

  const open = await findOpenSegment(state, segmentSet);
  const openNumber = open?.segment ?? null;
  const present = segmentNumbers.filter((n) => segmentSet.has(n));
  const replaySources: SegmentFile[] = [];

  // Sealed segments whose summary is missing (a stop during sealing), stale (label keys changed)
  // or brought forward from schema version 1 (no predicted-class counts).
  for (const segment of present) {
    if (segment === openNumber) continue;
    const sealed = state.sealed.get(segment);
    if (sealed && sealed.label_fingerprint === state.options.labelFingerprint && sealed.predicted_complete) continue;
    const data = await state.files.readSegment(segment);
    const summary = state.summarize(data);
    if (!readOnly) await state.files.writeSummary(summary);
    state.sealed.set(segment, sealedSegmentOf(summary));
    repaired.set(segment, summary.groups);
    hashes.set(segment, decodeIdHashes(summary.id_hashes));
    if (!sealed) replaySources.push(data);
    const why = !sealed ? 'rebuilt a missing segment summary' : sealed.predicted_complete ? 'recomputed a segment summary for new label settings' : 'recomputed a segment summary written by schema version 1';
    logger.info(why, { segment });
  }
  for (const summary of state.sealed.values()) {
    if (summary.raw_dropped && summary.label_fingerprint !== state.options.labelFingerprint) {
      logger.warn('aggregates of a segment whose raw records were dropped keep their old label settings', { segment: summary.segment });
    }
  }

  if (open) {
    const { data, fileBytes } = await readOpenSegment(state, open);
    replaySources.push(data);
    state.open = reopenSegment(data, fileBytes);
  }
  state.ids = IdHashIndex.build(hashes);
  for (const source of replaySources) await replayIntents(state, source.label_log, repaired);

  if (repaired.size > 0) {
    state.aggregates.clear();
    for (const segment of state.sealed.keys()) {
      const groups = repaired.get(segment) ?? (await state.files.readSummary(segment)).groups;
      for (const group of groups) state.aggregates.addGroup(group);
    }
  }
  if (state.open) {
    const { records, first_seq } = state.open.data;
    records.forEach((record, index) => state.aggregates.apply(state.options.contribute(record), 1, first_seq + index, record.timestamp));
  }
  const lastSealed = [...state.sealed.values()].reduce((max, summary) => Math.max(max, summary.first_seq + summary.record_count), 0);
  state.nextSeq = state.open ? state.open.data.first_seq + state.open.data.records.length : lastSealed;
  state.nextSegment = Math.max(0, ...present, ...state.sealed.keys(), openNumber ?? 0) + 1;
  logger.info('store opened', { data_dir: state.options.dataDir, ...state.stats() });
}

/** Forgets what `state` holds and reads the files again (after a failed write). */
export async function reloadStore(state: StoreState): Promise<void> {
  state.options.logger.warn('re-reading the store after a failed write');
  state.sealed.clear();
  state.pendingSeals = [];
  state.open = null;
  state.cache.clear();
  state.deferred.clear();
  state.aggregates.clear();
  await loadStore(state);
  state.needsReload = false;
}

/** Re-applies logged late labels whose sealed-segment rewrite did not complete. */
async function replayIntents(state: StoreState, intents: LabelIntent[], repaired: Map<number, SummaryGroup[]>): Promise<void> {
  const pending = new Map<number, LabelIntent[]>();
  for (const intent of intents) {
    const target = state.sealed.get(intent.segment);
    if (!target || target.raw_dropped) continue;
    if (target.source_revision >= intent.target_revision) continue;
    pending.set(intent.segment, [...(pending.get(intent.segment) ?? []), intent]);
  }
  for (const [segment, list] of pending) {
    const data = await state.files.readSegment(segment);
    const ids = indexRecords(data.records);
    let records = data.records;
    let revision = data.revision;
    for (const intent of list) {
      if (intent.target_revision <= data.revision) continue;
      const index = ids.get(intent.prediction_id);
      if (index === undefined) continue;
      records = records === data.records ? records.slice() : records;
      records[index] = {
        ...records[index]!,
        ground_truth: intent.ground_truth,
        ground_truth_source: intent.ground_truth_source,
        correct: intent.correct,
        labeled_at: intent.labeled_at,
        rating: intent.rating,
      };
      revision = Math.max(revision, intent.target_revision);
    }
    const next = { ...data, records, revision };
    if (!state.options.readOnly) {
      if (revision !== data.revision) await state.files.writeSegment(next);
    }
    const summary = state.summarize(next);
    if (!state.options.readOnly) await state.files.writeSummary(summary);
    state.sealed.set(segment, sealedSegmentOf(summary));
    repaired.set(segment, summary.groups);
    state.cache.delete(segment);
    // A reader leaves the file as it is: the labels it applied are read from memory.
    if (state.options.readOnly) state.deferred.set(segment, { data: next, ids });
    state.options.logger.info(state.options.readOnly ? 'read late labels not yet in their sealed segment' : 'applied late labels logged before the last stop', { segment, labels: list.length });
  }
}
