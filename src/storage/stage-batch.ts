import type { PredictionLog } from '../domain/prediction.js';
import { toError } from '../logging/to-error.js';
import type { Operation, WriteOperation } from './commit-queue.js';
import { rewriteDeferred } from './deferred-labels.js';
import type { OpenSegment } from './open-segment.js';
import { indexOfId, isFull, newOpenSegment, stageLine, stageRecord } from './open-segment.js';
import { sealOpenSegment } from './seal-open-segment.js';
import type { LoadedSegment } from './segment-cache.js';
import type { LabelIntent } from './segment-files.js';
import { intentLine, labelLine, recordLine, recordLineBytes } from './segment-log-lines.js';
import { DuplicateIdError, UnknownIdError } from './storage-errors.js';
import type { StoreState } from './store-state.js';

/** A sealed segment's copy, staged for rewriting with late labels, and the revision it gets. */
interface RewriteTarget extends LoadedSegment {
  revision: number;
}

/** Where a record to relabel sits during a commit: the staged open segment, or a sealed one staged for rewriting. */
type StagedRecord = { kind: 'open'; segment: OpenSegment; index: number } | { kind: 'sealed'; segment: RewriteTarget; index: number };

interface RecordChange {
  before: PredictionLog | null;
  after: PredictionLog;
  seq: number;
}

/** A batch's writes applied to copies, not yet on disk. */
interface StagedBatch {
  /** The open segment with the batch's records and labels, and their lines to append; written only if dirty. */
  open: OpenSegment;
  /** Sealed segments that get late labels, by segment number. */
  targets: Map<number, RewriteTarget>;
  /** What the aggregates gain and lose once the commit is on disk. */
  changes: RecordChange[];
  /** Answers the accepted operations, once the commit is on disk. */
  accepted: Array<() => void>;
  /** Rejects the accepted operations, if the commit fails. */
  rejectAccepted: Array<(error: Error) => void>;
}

/**
 * Stages a batch of inserts and labels on copies of the open segment and of the sealed segments
 * they label. Operations that cannot be accepted are rejected here; those that would need a
 * second segment written go back to the queue (`requeue`). A full, clean open segment is sealed.
 */
export async function stageBatch(state: StoreState, batch: WriteOperation[], now: Date, requeue: (operations: Operation[]) => void): Promise<StagedBatch> {
  let open = stageOpen(state, state.open, now);
  const targets = new Map<number, RewriteTarget>();
  const changes: RecordChange[] = [];
  const accepted: Array<() => void> = [];
  const rejectAccepted: Array<(error: Error) => void> = [];

  for (let position = 0; position < batch.length; position += 1) {
    const operation = batch[position]!;
    if (operation.kind === 'insert') {
      const { record } = operation;
      let exists: boolean;
      try {
        // Most new ids are in no sealed segment's hashes: then no await (a turn of the microtask
        // queue per record of the batch).
        const candidates = state.ids.candidates(record.prediction_id);
        exists = indexOfId(open, record.prediction_id) !== undefined || (candidates.length > 0 && (await inSealedSegment(state, record.prediction_id, candidates, targets)));
      } catch (error) {
        // A sealed segment that may hold the id cannot be read (CorruptFileError names it).
        operation.reject(toError(error));
        continue;
      }
      if (exists) {
        operation.reject(new DuplicateIdError(`prediction_id "${record.prediction_id}" is already stored`));
        continue;
      }
      const text = state.files.newText(record);
      const line = recordLine(text);
      // Measured on the record's text (a flat string): measuring the line would copy it first.
      const lineBytes = recordLineBytes(Buffer.byteLength(text));
      if (isFull(open, state.options.storage, now, lineBytes)) {
        if (open.dirty || targets.size > 0) {
          // One commit writes one segment: the rest goes in the next commit, into a new segment.
          requeue(batch.slice(position));
          break;
        }
        // The open segment is unchanged and already on disk: seal it, start the next one. The
        // late labels its log holds go into their sealed segments first (deferred-labels.ts).
        if (!(await rewriteDeferred(state))) {
          requeue(batch.slice(position));
          break;
        }
        sealOpenSegment(state);
        open = stageOpen(state, null, now);
      }
      const index = stageRecord(open, record);
      stageLine(open, line, lineBytes);
      changes.push({ before: null, after: record, seq: open.data.first_seq + index });
      accepted.push(() => operation.resolve());
      rejectAccepted.push(operation.reject);
      continue;
    }
    // label
    let where: StagedRecord | null;
    try {
      where = findStaged(operation.id, open) ?? (await findSealed(state, operation.id, targets));
    } catch (error) {
      // The sealed segment that may hold the id cannot be read (CorruptFileError names it).
      operation.reject(toError(error));
      continue;
    }
    if (!where) {
      operation.reject(new UnknownIdError(`no stored prediction has prediction_id "${operation.id}"`));
      continue;
    }
    const before = where.segment.data.records[where.index]!;
    let after: PredictionLog;
    try {
      after = operation.relabel(before);
    } catch (error) {
      operation.reject(toError(error));
      continue;
    }
    if (after === before) {
      // Nothing to change (e.g. a label only wanted while unlabeled): answer without a write.
      accepted.push(() => operation.resolve(before));
      rejectAccepted.push(operation.reject);
      continue;
    }
    where.segment.data.records[where.index] = after;
    changes.push({ before, after, seq: where.segment.data.first_seq + where.index });
    if (where.kind === 'sealed') {
      const target = where.segment;
      const intent: LabelIntent = {
        prediction_id: after.prediction_id,
        segment: target.data.segment,
        target_revision: target.revision,
        ground_truth: after.ground_truth,
        ground_truth_source: after.ground_truth_source,
        correct: after.correct,
        labeled_at: after.labeled_at,
        rating: after.rating,
      };
      open.data.label_log.push(intent);
      stageLine(open, intentLine(intent));
    } else {
      stageLine(open, labelLine(after));
    }
    accepted.push(() => operation.resolve(after));
    rejectAccepted.push(operation.reject);
  }
  return { open, targets, changes, accepted, rejectAccepted };
}

/** A copy of the open segment to stage changes on (a new one when there is none). */
function stageOpen(state: StoreState, open: OpenSegment | null, now: Date): OpenSegment {
  if (!open) return newOpenSegment(state.nextSegment, state.nextSeq, now);
  // Intents whose target rewrite is on disk (published commits) are no longer needed: they stay
  // in the log (appended, never rewritten) but not in memory, nor in the sealed file.
  const label_log = open.data.label_log.filter((intent) => intentPending(state, intent));
  return {
    data: { ...open.data, records: open.data.records.slice(), label_log },
    ids: open.ids,
    newIds: new Map(),
    bytes: open.bytes,
    pending: [],
    fileBytes: open.fileBytes,
    dirty: false,
    createdMs: open.createdMs,
  };
}

/** Whether a logged label is not yet in its sealed target segment (as published). */
function intentPending(state: StoreState, intent: LabelIntent): boolean {
  const target = state.sealed.get(intent.segment);
  return target !== undefined && !target.raw_dropped && target.source_revision < intent.target_revision;
}

function findStaged(id: string, open: OpenSegment): StagedRecord | null {
  const index = indexOfId(open, id);
  return index === undefined ? null : { kind: 'open', segment: open, index };
}

/** Finds a record in a sealed segment, staging a copy of that segment for rewriting. */
async function findSealed(state: StoreState, id: string, targets: Map<number, RewriteTarget>): Promise<StagedRecord | null> {
  for (const segment of state.ids.candidates(id)) {
    let target = targets.get(segment);
    if (!target) {
      const loaded = await state.loadSealed(segment);
      target = {
        data: { ...loaded.data, records: loaded.data.records.slice() },
        ids: loaded.ids,
        revision: loaded.data.revision + 1,
      };
      const index = target.ids.get(id);
      if (index === undefined) continue;
      targets.set(segment, target);
      return { kind: 'sealed', segment: target, index };
    }
    const index = target.ids.get(id);
    if (index !== undefined) return { kind: 'sealed', segment: target, index };
  }
  return null;
}

/** Whether one of the sealed segments whose id hashes match (`candidates`) holds the id. */
async function inSealedSegment(state: StoreState, id: string, candidates: readonly number[], targets: Map<number, LoadedSegment>): Promise<boolean> {
  for (const segment of candidates) {
    const loaded = targets.get(segment) ?? (await state.loadSealed(segment));
    if (loaded.ids.has(id)) return true;
  }
  return false;
}
