import type { ModelSummary } from '../domain/performance.js';
import { formatTable } from './format-table.js';
import { formatCount, formatPercent, formatTimestamp, truncate } from './format-values.js';

/** `hap ml-metrics list`: one line per model. */
export function renderModelList(models: readonly ModelSummary[]): string {
  if (models.length === 0) return 'No models tracked yet: log a prediction through the service first.';
  return formatTable(models, [
    { header: 'model', value: (model) => model.model_name },
    { header: 'versions', value: (model) => truncate(model.versions.join(', '), 30) },
    { header: 'latest', value: (model) => model.latest_version },
    { header: 'predictions', align: 'right', value: (model) => formatCount(model.total_predictions) },
    { header: 'labeled', align: 'right', value: (model) => formatCount(model.labeled_predictions) },
    { header: 'accuracy', align: 'right', value: (model) => formatPercent(model.accuracy) },
    { header: 'confidence', align: 'right', value: (model) => formatPercent(model.confidence) },
    { header: 'last prediction', value: (model) => formatTimestamp(model.last_prediction_at) },
  ]);
}
