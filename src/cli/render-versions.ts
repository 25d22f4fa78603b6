import type { ModelVersionEntry, ModelVersionList } from '../domain/versions.js';
import { formatTable } from './format-table.js';
import { formatCount, formatPercent, formatTimestamp, truncate } from './format-values.js';

function sessions(entry: ModelVersionEntry): string {
  if (entry.training_sessions.length === 0) return '—';
  return truncate(entry.training_sessions.join(', '), 40);
}

/** `hap ml-metrics versions`: the registry in natural version order, the default one marked. */
export function renderVersions(list: ModelVersionList): string {
  if (list.versions.length === 0) return `No versions registered for ${list.model_name}.`;
  const table = formatTable(list.versions, [
    { header: '', value: (v) => (v.current ? '*' : '') },
    { header: 'version', value: (v) => v.model_version },
    { header: 'first seen', value: (v) => formatTimestamp(v.first_seen) },
    { header: 'last seen', value: (v) => formatTimestamp(v.last_seen) },
    { header: 'predictions', align: 'right', value: (v) => formatCount(v.total_predictions) },
    { header: 'labeled', align: 'right', value: (v) => formatCount(v.labeled_predictions) },
    { header: 'accuracy', align: 'right', value: (v) => formatPercent(v.accuracy) },
    { header: 'training sessions', value: sessions },
  ]);
  return `${table}\n* the default version (current_version when configured, else the highest with predictions); figures are all time`;
}
