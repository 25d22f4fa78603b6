import type { TrainingLog } from '../domain/training.js';
import { formatTable } from './format-table.js';
import {
  formatCount,
  formatDecimal,
  formatDuration,
  formatJsonValue,
  formatPercent,
  formatTimestamp,
  truncate,
} from './format-values.js';

function formatHyperparameters(session: TrainingLog): string {
  const entries = Object.entries(session.hyperparameters);
  if (entries.length === 0) return '—';
  return truncate(entries.map(([key, value]) => `${key}=${formatJsonValue(value)}`).join(' '), 40);
}

/** `hap ml-metrics training`: sessions newest first. */
export function renderTraining(modelName: string, sessions: readonly TrainingLog[]): string {
  if (sessions.length === 0) return `No training sessions logged for ${modelName}.`;
  const newestFirst = [...sessions].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return formatTable(newestFirst, [
    { header: 'time', value: (s) => formatTimestamp(s.timestamp) },
    { header: 'session', value: (s) => truncate(s.training_session_id, 28) },
    { header: 'version', value: (s) => s.model_version },
    { header: 'samples', align: 'right', value: (s) => formatCount(s.training_samples) },
    { header: 'val samples', align: 'right', value: (s) => formatCount(s.validation_samples) },
    { header: 'train acc', align: 'right', value: (s) => formatPercent(s.training_accuracy) },
    { header: 'val acc', align: 'right', value: (s) => formatPercent(s.validation_accuracy) },
    { header: 'train loss', align: 'right', value: (s) => formatDecimal(s.training_loss) },
    { header: 'val loss', align: 'right', value: (s) => formatDecimal(s.validation_loss) },
    { header: 'duration', align: 'right', value: (s) => formatDuration(s.training_duration_seconds) },
    { header: 'hyperparameters', value: formatHyperparameters },
  ]);
}
