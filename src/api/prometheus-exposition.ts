/**
 * The Prometheus text exposition format (version 0.0.4), rendered by pure code: metric families
 * in, text out. https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value inside its double quotes: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** HELP text: backslash and line feed escaped (a double quote stays as it is). */
export function escapeHelp(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

/** A sample value as Prometheus parses it: NaN, +Inf, -Inf, or the number. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function sampleLine(name: string, sample: Sample): string {
  const entries = Object.entries(sample.labels);
  for (const [label] of entries) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`"${label}" is not a valid Prometheus label name`);
  }
  const labels = entries.length === 0 ? '' : `{${entries.map(([label, value]) => `${label}="${escapeLabelValue(value)}"`).join(',')}}`;
  return `${name}${labels} ${formatValue(sample.value)}\n`;
}

/**
 * The exposition text of `families`: per family one HELP and one TYPE line, then its samples,
 * each family once and in the order given. Throws on an invalid metric or label name, or a family
 * named twice (programming errors: the names are the service's own).
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  let text = '';
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`"${family.name}" is not a valid Prometheus metric name`);
    if (seen.has(family.name)) throw new Error(`metric family ${family.name} is given twice`);
    seen.add(family.name);
    text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
    for (const sample of family.samples) text += sampleLine(family.name, sample);
  }
  return text;
}
