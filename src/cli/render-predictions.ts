import type { PredictionPage } from '../domain/responses.js';
import { formatTable } from './format-table.js';
import {
  formatCheck,
  formatJsonObject,
  formatPercent,
  formatTimestamp,
  shellQuote,
  truncate,
} from './format-values.js';

/** The command that fetches the page after this one, with the same filters. */
export interface NextPageHint {
  limit: number;
  version?: string | undefined;
  /** Where the page was read (`--url` or `--data-dir` as given), kept in the hint. */
  url?: string | undefined;
  dataDir?: string | undefined;
}

/** `hap ml-metrics predictions`: newest first, then how to get the next page. */
export function renderPredictions(page: PredictionPage, hint: NextPageHint): string {
  const lines: string[] = [];
  if (page.predictions.length === 0) {
    lines.push(`No predictions of ${page.model_name}${hint.version ? ` version ${hint.version}` : ''} here.`);
  } else {
    lines.push(
      formatTable(page.predictions, [
        { header: 'time', value: (p) => formatTimestamp(p.timestamp) },
        // Whole: it is what a user copies to label the prediction.
        { header: 'id', value: (p) => p.prediction_id },
        { header: 'version', value: (p) => p.model_version },
        { header: 'prediction', value: (p) => truncate(formatJsonObject(p.prediction), 28) },
        { header: 'ground truth', value: (p) => truncate(formatJsonObject(p.ground_truth), 28) },
        { header: 'correct', value: (p) => formatCheck(p.correct) },
        { header: 'confidence', align: 'right', value: (p) => formatPercent(p.confidence) },
      ]),
    );
  }
  if (page.next_cursor !== null) {
    const args = ['hap ml-metrics predictions', shellQuote(page.model_name), `--limit ${hint.limit}`];
    if (hint.version) args.push(`--version ${shellQuote(hint.version)}`);
    args.push(`--cursor ${page.next_cursor}`);
    if (hint.url !== undefined) args.push(`--url ${shellQuote(hint.url)}`);
    if (hint.dataDir !== undefined) args.push(`--data-dir ${shellQuote(hint.dataDir)}`);
    lines.push('', `Older predictions: ${args.join(' ')}`);
  }
  return lines.join('\n');
}
