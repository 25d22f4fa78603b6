import type { JsonValue } from '../domain/json.js';
import type { PredictionLog } from '../domain/prediction.js';
import { RAW_SCAN_LIMIT } from '../domain/raw-scan.js';
import type { Slice, Slices, SlicesQuery } from '../domain/slices.js';
import { MISSING_SLICE, OTHER_SLICE, SlicesQuerySchema } from '../domain/slices.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts, splitCellKey } from '../metrics/bucket-counts.js';
import { classKey } from '../metrics/class-key.js';
import { classificationReport } from '../metrics/classification-report.js';
import { modelTask } from './build-performance.js';
import type { ModelPerformanceTracker } from './model-performance-tracker.js';
import { parseInput } from './parse-input.js';
import { throughStore } from './storage-failure.js';
import type { ModelConfig } from './tracker-config.js';
import type { ResolvedWindow } from './window.js';
import { scanWindowRecords } from './window-records.js';

export interface SlicesSubject {
  model_name: string;
  /** null: every version (slicing by model_version with none asked). */
  model_version: string | null;
  window: ResolvedWindow;
  by: string;
  limit: number;
  scanLimit: number;
  model: ModelConfig | undefined;
  /** The record's outcome as the metrics count it (class keys); null when unlabeled. */
  outcomeOf: ModelPerformanceTracker['outcomeOf'];
}

/**
 * The value of `by` in a record: `model_version`, or the value at a dotted path under `context`
 * or `input_data` (own keys only); undefined when the path is missing. The path was validated
 * (SlicePathSchema): no prototype keys.
 */
export function sliceValue(record: PredictionLog, by: string): JsonValue | undefined {
  if (by === 'model_version') return record.model_version;
  const [root, ...keys] = by.split('.');
  let value: JsonValue | undefined = root === 'context' ? record.context : record.input_data;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** A slice value as text: a string as it is, anything else as its canonical JSON text (object keys sorted). */
export function sliceText(value: JsonValue): string {
  return typeof value === 'string' ? value : classKey(value);
}

function sliceOf(value: string, kind: Slice['kind'], counts: BucketCounts, subject: SlicesSubject, task: 'binary' | 'multiclass'): Slice {
  const cells = [...counts.cells].map(([key, count]) => ({ ...splitCellKey(key), count }));
  const headline = classificationReport(cells, { task, positiveLabel: classKey(subject.model?.positive_label ?? true) }).headline;
  return {
    value,
    kind,
    total_predictions: counts.total,
    labeled_predictions: counts.labeled,
    accuracy: counts.labeled > 0 ? counts.correct / counts.labeled : null,
    precision: headline?.precision ?? null,
    recall: headline?.recall ?? null,
    f1_score: headline?.f1_score ?? null,
    confidence: counts.confidence_count > 0 ? counts.confidence_sum / counts.confidence_count : null,
  };
}

/**
 * A model version's figures per value of a field over a window, from its raw records (newest
 * first, at most `scanLimit`): the `limit` largest slices (by predictions; ties by value text), the
 * rest folded into "(other)"; records without the field form "(missing)". Precision, recall and F1
 * follow the performance answer (binary: the positive class; multiclass: macro), the task decided
 * over the whole window.
 */
export async function buildSlices(records: AsyncIterable<{ record: PredictionLog }>, subject: SlicesSubject): Promise<Slices> {
  const { model_name, model_version, window, by, limit, scanLimit } = subject;
  const groups = new Map<string, { kind: 'value' | 'missing'; counts: BucketCounts }>();
  const scan = await scanWindowRecords(records, { model_name, model_version, window, limit: scanLimit }, (record) => {
    const value = sliceValue(record, by);
    const kind = value === undefined ? 'missing' : 'value';
    const text = value === undefined ? MISSING_SLICE : sliceText(value);
    const id = `${kind}\t${text}`;
    let group = groups.get(id);
    if (!group) {
      group = { kind, counts: emptyCounts() };
      groups.set(id, group);
    }
    const outcome = subject.outcomeOf(record);
    // `hour` and, when unlabeled, `predicted` feed only the aggregates' per-hour and predicted-class
    // counts, which no slice figure reads.
    const { model_name: model, model_version: version, confidence, rating } = record;
    applyContribution(group.counts, { model_name: model, model_version: version, hour: 0, confidence, rating, predicted: outcome?.predicted ?? '', outcome }, 1);
  });
  const whole = emptyCounts();
  for (const { counts } of groups.values()) mergeCounts(whole, counts);
  const task = modelTask([...whole.cells].map(([key, count]) => ({ ...splitCellKey(key), count })), subject.model);

  const ranked = [...groups.entries()]
    .map(([id, group]) => ({ text: id.slice(id.indexOf('\t') + 1), ...group }))
    .sort((a, b) => b.counts.total - a.counts.total || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const slices = ranked.slice(0, limit).map((group) => sliceOf(group.text, group.kind, group.counts, subject, task));
  const tail = ranked.slice(limit);
  if (tail.length > 0) {
    const other = emptyCounts();
    for (const group of tail) mergeCounts(other, group.counts);
    slices.push(sliceOf(OTHER_SLICE, 'other', other, subject, task));
  }
  return { model_name, model_version, window: window.window, by, limit, slices, scan };
}

/** What the slices answer needs of the tracker. */
export type SlicesTracker = Pick<ModelPerformanceTracker, 'windowQuery' | 'store' | 'config' | 'outcomeOf'>;

/**
 * `GET /models/{name}/slices`: the query validated (SlicesQuerySchema), the model, version and
 * window resolved as for performance (by=model_version with no version: every version), then the
 * slices over the newest RAW_SCAN_LIMIT predictions of the window at most.
 */
export async function getSlices(tracker: SlicesTracker, modelName: string, query?: SlicesQuery | unknown): Promise<Slices> {
  const parsed = parseInput(SlicesQuerySchema, query, 'query');
  const { name, version, window } = tracker.windowQuery(modelName, parsed, parsed.by === 'model_version');
  const { by, limit } = parsed;
  const outcomeOf = (record: PredictionLog) => tracker.outcomeOf(record);
  const subject = { model_name: name, model_version: version, window, by, limit, scanLimit: RAW_SCAN_LIMIT, model: tracker.config.models[name], outcomeOf };
  return throughStore(() => buildSlices(tracker.store.newestFirst({ model: name }), subject));
}
