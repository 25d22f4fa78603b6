import { countingFileSystem } from './counting-fs.js';
import { shippedConfig } from './config.js';
import { removeScratch, scratchDir } from './paths.js';
import { fmtInt, type Row } from './report.js';
import { openTracker } from '../src/open-tracker.js';

export interface LateLabelResult {
  delayMinutes: number;
  predictions: number;
  labeled: number;
  /** Bytes handed to the file system (writes and appends, UTF-8), the store's close included. */
  bytes: number;
  bytesPerPrediction: number;
}

/**
 * A home's rhythm on the tracker API with a fake clock: one prediction a minute, each labelled one
 * at a time `delayMinutes` later (feedback, the undo window, an implicit label), so that labels
 * reach predictions whose segment has sealed meanwhile. Counts what the store hands to the file
 * system over `predictions` predictions and their labels, the close included.
 */
export async function benchLateLabels(options: { predictions: number; delayMinutes: number }): Promise<LateLabelResult> {
  const dataDir = scratchDir(`late-labels-${options.delayMinutes}`);
  try {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const { fs, counts } = countingFileSystem();
    const tracker = await openTracker({ dataDir, config: shippedConfig(dataDir), fs, now: () => new Date(clock) });
    const due: { at: number; id: string; user: number }[] = [];
    let labeled = 0;
    try {
      for (let n = 0; n < options.predictions; n += 1) {
        clock += 60_000;
        const user = n % 4;
        const prediction = { user_id: user, confidence: 0.8 };
        const logged = await tracker.logPrediction({ model_name: 'voice_recognition', input_data: { audio_length: 1.5 }, prediction, confidence: 0.8, context: { device: 'kitchen' } });
        due.push({ at: clock + options.delayMinutes * 60_000, id: logged.prediction_id, user });
        while (due.length > 0 && due[0]!.at <= clock) {
          const next = due.shift()!;
          await tracker.recordGroundTruth(next.id, { ground_truth: { user_id: next.user } });
          labeled += 1;
        }
      }
    } finally {
      await tracker.close();
    }
    return { delayMinutes: options.delayMinutes, predictions: options.predictions, labeled, bytes: counts.bytes, bytesPerPrediction: counts.bytes / options.predictions };
  } finally {
    removeScratch(dataDir);
  }
}

export function lateLabelRows(results: readonly (LateLabelResult | undefined)[]): Row[] {
  return results.flatMap((result) =>
    result === undefined
      ? []
      : [
          {
            measure: `late labels: bytes to the file system per prediction, each labelled ${result.delayMinutes >= 60 ? `${result.delayMinutes / 60} h` : `${result.delayMinutes} min`} later (one a minute, fake clock, ${fmtInt(result.predictions)} predictions, ${fmtInt(result.labeled)} labelled)`,
            value: `${fmtInt(Math.round(result.bytesPerPrediction))} B`,
          },
        ],
  );
}
