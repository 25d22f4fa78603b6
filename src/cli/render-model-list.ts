import type { ModelSummary } from '../domain/performance.js';
import { formatTable } from './format-table.js';
import { formatCount, formatPercent, formatTimestamp, truncate } from './format-values.js';

/**
 * `hap ml-metrics list`: one line per model with its default version's figures (the numbers
 * `performance <model>` shows), labelled with that version; `all versions` counts every version.
 */
export function renderModelList(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'No models tracked yet: log a prediction through the service first.';
  const table = formatTable(models, [
    { header: 'model', value: (model) => model.model_name },
    { header: 'version', value: (model) => model.model_version },
    { header: 'predictions', align: 'right', value: (model) => formatCount(model.total_predictions) },
    { header: 'labeled', align: 'right', value: (model) => formatCount(model.labeled_predictions) },
    { header: 'accuracy', align: 'right', value: (model) => formatPercent(model.accuracy) },
    { header: 'confidence', align: 'right', value: (model) => formatPercent(model.confidence) },
    { header: 'last prediction', value: (model) => formatTimestamp(model.last_prediction_at) },
    { header: 'versions', value: (model) => truncate(model.versions.join(', '), 30) },
    { header: 'all versions', align: 'right', value: (model) => formatCount(model.all_versions.total_predictions) },
  ]);
  const windows = [...new Set(models.map((model) => model.window.spec ?? 'since/until'))].join(', ');
  return `${table}\nFigures are those of the version shown (the default one), window ${windows}; "all versions": predictions of every version.`;
}
