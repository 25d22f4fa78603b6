import type { PredictionLog } from '../domain/prediction.js';
import type { RawScan } from '../domain/raw-scan.js';
import type { ResolvedWindow } from './window.js';
import { WindowSelection } from './window-selection.js';

/** Which raw records to read: one model's, of one version (null: every version), in a window, at most `limit`. */
export interface WindowRecordsSubject {
  model_name: string;
  model_version: string | null;
  window: ResolvedWindow;
  limit: number;
}

/**
 * Hands `visit` the raw records of a model (version) in a window, newest timestamp first, and
 * says what it read. The selection is the performance answer's (WindowSelection). It stops at the
 * first record older than the window and after `limit` records (`complete: false` when the window
 * held more). Records retention dropped are not read.
 */
export async function scanWindowRecords(
  records: AsyncIterable<{ record: PredictionLog }>,
  subject: WindowRecordsSubject,
  visit: (record: PredictionLog) => void,
): Promise<RawScan> {
  const { model_name, model_version, window, limit } = subject;
  const selection = new WindowSelection(window, limit);
  for await (const { record } of records) {
    if (record.model_name !== model_name) continue;
    if (model_version !== null && record.model_version !== model_version) continue;
    const step = selection.step(selection.timed ? Date.parse(record.timestamp) : 0);
    if (step === 'skip') continue;
    if (step === 'stop') break;
    if (step === 'full') return { predictions: selection.read, limit, complete: false };
    visit(record);
    if (!selection.took(record.correct !== null)) break;
  }
  return { predictions: selection.read, limit, complete: true };
}
