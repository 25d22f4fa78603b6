import type { PredictionLog } from '../domain/prediction.js';
import type { RawScan } from '../domain/raw-scan.js';
import type { ResolvedWindow } from './window.js';

/** Which raw records to read: one model's, of one version (null: every version), in a window, at most `limit`. */
export interface WindowRecordsSubject {
  model_name: string;
  model_version: string | null;
  window: ResolvedWindow;
  limit: number;
}

/**
 * Hands `visit` the raw records of a model (version) in a window, newest timestamp first, and
 * says what it read. The selection is the performance answer's: a time window [from, to) to the
 * millisecond; the last N labeled predictions and every prediction stamped since the oldest of
 * them; `all`. It stops at the first record older than the window and after `limit` records
 * (`complete: false` when the window held more). Records retention dropped are not read.
 */
export async function scanWindowRecords(
  records: AsyncIterable<{ record: PredictionLog }>,
  subject: WindowRecordsSubject,
  visit: (record: PredictionLog) => void,
): Promise<RawScan> {
  const { model_name, model_version, window, limit } = subject;
  let read = 0;
  let labeled = 0;
  for await (const { record } of records) {
    if (record.model_name !== model_name) continue;
    if (model_version !== null && record.model_version !== model_version) continue;
    if (window.kind === 'time') {
      const at = Date.parse(record.timestamp);
      if (window.toMs !== null && at >= window.toMs) continue;
      if (window.fromMs !== null && at < window.fromMs) break;
    }
    if (read === limit) return { predictions: read, limit, complete: false };
    visit(record);
    read += 1;
    if (record.correct !== null) labeled += 1;
    if (window.kind === 'count' && labeled === window.count) break;
  }
  return { predictions: read, limit, complete: true };
}
