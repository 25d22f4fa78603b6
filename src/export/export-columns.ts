import type { PredictionLog } from '../domain/prediction.js';

/**
 * The columns of a CSV export, in order: one per field of a stored prediction. Objects
 * (`prediction`, `ground_truth`, `input_data`, `context`) are JSON in the cell; null is an empty
 * cell; `correct` is `true` or `false`; `confidence` a number in [0, 1]; times are ISO 8601 UTC.
 */
export const EXPORT_COLUMNS = [
  'prediction_id',
  'model_name',
  'model_version',
  'timestamp',
  'prediction',
  'confidence',
  'ground_truth',
  'correct',
  'ground_truth_source',
  'labeled_at',
  'rating',
  'input_data',
  'context',
] as const satisfies readonly (keyof PredictionLog)[];

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A stored prediction as the fields of its CSV row, in EXPORT_COLUMNS order. */
export function exportFields(record: PredictionLog): string[] {
  return EXPORT_COLUMNS.map((column) => cellText(record[column]));
}
