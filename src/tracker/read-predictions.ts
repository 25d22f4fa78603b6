import type { PredictionLog } from '../domain/prediction.js';
import type { PredictionsQuery } from '../domain/queries.js';
import type { PredictionPage } from '../domain/responses.js';
import type { PredictionStore } from '../storage/prediction-store.js';

/** One page of a model's predictions, newest timestamp first; `cursor` is the seq of the last record of the previous page. */
export async function pagePredictions(store: PredictionStore, name: string, query: PredictionsQuery & { limit: number }): Promise<PredictionPage> {
  const predictions: PredictionLog[] = [];
  let lastSeq: number | null = null;
  let more = false;
  const after = query.cursor === undefined ? {} : { afterSeq: Number(query.cursor) };
  for await (const { seq, record } of store.newestFirst({ model: name, ...after })) {
    if (query.version !== undefined && record.model_version !== query.version) continue;
    if (predictions.length === query.limit) {
      more = true;
      break;
    }
    predictions.push(record);
    lastSeq = seq;
  }
  return { model_name: name, predictions, next_cursor: more && lastSeq !== null ? String(lastSeq) : null };
}

/**
 * Stored predictions stamped at or after `since`, newest first, that pass `match` (at most
 * `limit`). Reads back by timestamp and stops at the first one older than `since`.
 */
export async function findRecentPredictions(store: PredictionStore, since: string, match: (record: PredictionLog) => boolean, limit: number): Promise<PredictionLog[]> {
  const found: PredictionLog[] = [];
  const sinceMs = Date.parse(since);
  for await (const { record } of store.newestFirst()) {
    if (Date.parse(record.timestamp) < sinceMs) break;
    if (match(record)) {
      found.push(record);
      if (found.length >= limit) break;
    }
  }
  return found;
}
