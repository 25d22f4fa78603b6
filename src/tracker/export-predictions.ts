import type { ExportFormat, ExportQuery } from '../domain/export-query.js';
import { ExportQuerySchema } from '../domain/export-query.js';
import type { PredictionLog } from '../domain/prediction.js';
import { NotFoundError } from './errors.js';
import type { ModelPerformanceTracker } from './model-performance-tracker.js';
import { parseInput, parseModelName } from './parse-input.js';
import { throughStore } from './storage-failure.js';

const HOUR_MS = 3_600_000;

/** An export ready to stream: what was asked, and the records in the order they were stored. */
export interface PredictionExport {
  model_name: string;
  /** null: every version. */
  model_version: string | null;
  format: ExportFormat;
  since: string | null;
  until: string | null;
  /**
   * At most this many records will come (from the hourly aggregates: it counts predictions whose
   * raw records retention dropped, and whole hours at the range's edges); for a progress bar.
   */
  expected_records: number;
  records: AsyncIterable<PredictionLog>;
}

/**
 * Validates an export request (model, format, version, since/until) and opens the listing: the
 * records stored when it is called, oldest arrival first, read one segment at a time as they are
 * consumed. NotFoundError for an unknown model or version; InvalidInputError for a bad query.
 */
export async function exportPredictions(tracker: ModelPerformanceTracker, modelName: string, query: ExportQuery | unknown): Promise<PredictionExport> {
  const name = parseModelName(modelName);
  const parsed = parseInput(ExportQuerySchema, query, 'query');
  const known = tracker.modelNames();
  if (!known.includes(name)) {
    throw new NotFoundError(`no model named "${name}"; ${known.length > 0 ? `known models: ${known.join(', ')}` : 'no model has logged a prediction yet'}`);
  }
  const aggregates = tracker.store.aggregates;
  const versions = aggregates.versions(name).map((entry) => entry.model_version);
  if (parsed.version !== undefined && !versions.includes(parsed.version)) {
    const listed = versions.length > 0 ? `known versions: ${versions.join(', ')}` : 'no version has a prediction yet';
    throw new NotFoundError(`model "${name}" has no version "${parsed.version}"; ${listed}`);
  }
  const sinceMs = parsed.since === undefined ? undefined : Date.parse(parsed.since);
  const untilMs = parsed.until === undefined ? undefined : Date.parse(parsed.until);
  const fromHour = sinceMs === undefined ? null : Math.floor(sinceMs / HOUR_MS) * HOUR_MS;
  const toHour = untilMs === undefined ? null : Math.floor((untilMs - 1) / HOUR_MS) * HOUR_MS;
  let expected = 0;
  for (const version of parsed.version === undefined ? versions : [parsed.version]) {
    // sum() reads all time when both ends are null; an empty range (since = until) expects nothing.
    if (fromHour !== null && toHour !== null && toHour < fromHour) continue;
    expected += aggregates.sum(name, version, fromHour, toHour).total;
  }
  const records = await throughStore(() =>
    tracker.store.inArrivalOrder({
      model: name,
      ...(parsed.version === undefined ? {} : { version: parsed.version }),
      ...(sinceMs === undefined ? {} : { sinceMs }),
      ...(untilMs === undefined ? {} : { untilMs }),
    }),
  );
  return {
    model_name: name,
    model_version: parsed.version ?? null,
    format: parsed.format,
    since: parsed.since ?? null,
    until: parsed.until ?? null,
    expected_records: expected,
    records,
  };
}
