import type { Calibration } from '../domain/calibration.js';
import { formatTable } from './format-table.js';
import { NONE, formatCount, formatDecimal, formatPercent } from './format-values.js';
import { describeWindow } from './render-performance.js';

/** `(0.4, 0.6]`, the first bin `[0, 0.2]`: the edges to at most 4 decimals. */
function binRange(lower: number, upper: number, first: boolean): string {
  const edge = (value: number) => String(Number(value.toFixed(4)));
  return `${first ? '[' : '('}${edge(lower)}, ${edge(upper)}]`;
}

/** What a scan that stopped at its limit covered, or null when it read the whole window. */
export function describePartialScan(scan: Calibration['scan']): string | null {
  return scan.complete ? null : `Only the newest ${formatCount(scan.limit)} predictions of the window were read (the most an answer reads raw).`;
}

/** `hap ml-metrics calibration`: one line per confidence bin, then the ECE and the Brier score. */
export function renderCalibration(calibration: Calibration): string {
  const title =
    `${calibration.model_name} — version ${calibration.model_version}, calibration; window: ${describeWindow(calibration.window)}\n` +
    `${formatCount(calibration.labeled_with_confidence)} labeled predictions with a confidence`;
  const lines = [title];
  if (calibration.labeled_with_confidence === 0) {
    lines.push('No labeled prediction with a confidence in this window: nothing to calibrate against.');
  } else {
    lines.push(
      formatTable(calibration.bins, [
        { header: 'confidence', value: (bin) => binRange(bin.lower, bin.upper, bin.lower === 0) },
        { header: 'predictions', align: 'right', value: (bin) => formatCount(bin.count) },
        { header: 'mean confidence', align: 'right', value: (bin) => formatPercent(bin.mean_confidence) },
        { header: 'accuracy', align: 'right', value: (bin) => formatPercent(bin.accuracy) },
        {
          header: 'gap',
          align: 'right',
          value: (bin) => (bin.accuracy === null || bin.mean_confidence === null ? NONE : formatPercent(bin.accuracy - bin.mean_confidence)),
        },
      ]),
    );
    lines.push(`ECE ${formatPercent(calibration.ece)} (expected calibration error: 0 is perfectly calibrated); Brier score ${formatDecimal(calibration.brier_score, 4)}`);
  }
  const partial = describePartialScan(calibration.scan);
  if (partial !== null) lines.push(partial);
  return lines.join('\n');
}
