import { deltaPoints, driftVerdict, instant, metricLabel, NO_DRIFT, NOT_TESTED, percent, pValue, stat } from './format-figures.js';
import type { ModelReport, Report } from './report-model.js';

/** Text from data, made safe inside a Markdown table cell or line: no pipes, no line breaks, no markup. */
export function markdownText(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

function modelSection(model: ModelReport): string[] {
  const lines = [`## ${markdownText(model.model_name)} (version ${markdownText(model.model_version)})`, ''];
  lines.push(`Predictions: ${model.counts.total} (${model.counts.labeled} labeled); previous period ${model.counts.previous_total} (${model.counts.previous_labeled} labeled).`, '');
  lines.push('| Metric | This period | Previous | Change |', '|---|---:|---:|---:|');
  for (const figure of model.figures) {
    lines.push(`| ${metricLabel(figure.metric)} | ${percent(figure.current)} | ${percent(figure.previous)} | ${deltaPoints(figure.delta)} |`);
  }
  lines.push('');
  if (model.targets.length > 0) {
    const checks = model.targets.map((check) => `${metricLabel(check.metric)} ${check.kind === 'floor' ? '≥' : '≤'} ${percent(check.target)}: **${check.status}** (${percent(check.value)})`);
    lines.push(`Targets: ${checks.join('; ')}.`, '');
  }
  if (model.drift !== null) {
    const d = model.drift;
    lines.push(
      `Drift against the previous period: ${driftVerdict(d)} (confidence KS ${stat(d.ks_statistic)}, p ${pValue(d.ks_p_value)}, PSI ${stat(d.confidence_psi)}; labels χ² p ${pValue(d.chi2_p_value)}, PSI ${stat(d.predictions_psi)}; accuracy ${deltaPoints(d.accuracy_delta)}, p ${pValue(d.accuracy_p_value)}).`,
    );
    for (const change of d.change_points) lines.push(`- change point ${instant(change.timestamp)}: accuracy ${change.direction} ${percent(change.before)} → ${percent(change.after)}`);
    lines.push('');
  } else {
    lines.push(`Drift: not computed (${markdownText(model.drift_error ?? 'no answer')}).`, '');
  }
  if (model.confusions.length > 0) {
    lines.push(`Top confusions: ${model.confusions.map((c) => `${markdownText(c.truth)} → ${markdownText(c.predicted)} (${c.count})`).join(', ')}.`, '');
  }
  if (model.worst_slices.length > 0) {
    lines.push(`Worst slices: ${model.worst_slices.map((s) => `${markdownText(s.by)} = ${markdownText(s.value)}: ${percent(s.accuracy)} of ${s.labeled_predictions}`).join('; ')}.`, '');
  }
  for (const experiment of model.experiments) {
    const outcome = experiment.status === 'running' ? 'running' : experiment.status === 'decided' ? `decided: ${experiment.winner === null ? 'no difference' : `${markdownText(experiment.winner)} wins`}` : 'stopped';
    lines.push(`- Experiment ${markdownText(experiment.name)} (${markdownText(experiment.version_a)} vs ${markdownText(experiment.version_b)}, ${experiment.metric} ${deltaPoints(experiment.delta)}): ${outcome}`);
  }
  if (model.experiments.length > 0) lines.push('');
  return lines;
}

/** The report as Markdown (for the hub's notification and for files): a table per model. */
export function renderMarkdown(report: Report): string {
  const lines = [
    `# Model performance report`,
    '',
    `Period ${instant(report.since)} – ${instant(report.until)} (${report.period}), compared with ${instant(report.previous_since)} – ${instant(report.previous_until)}.`,
    '',
  ];
  if (report.models.length === 0) lines.push('No model has logged a prediction yet.', '');
  for (const model of report.models) lines.push(...modelSection(model));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A few lines per model, for the hub's notification. */
export function renderSummary(report: Report, link: string | null): string {
  const lines = [`Period ${instant(report.since)} – ${instant(report.until)} (${report.period}).`, ''];
  if (report.models.length === 0) lines.push('No model has logged a prediction yet.');
  for (const model of report.models) {
    const accuracy = model.figures.find((figure) => figure.metric === 'accuracy');
    const missed = model.targets.filter((check) => check.status === 'missed').map((check) => metricLabel(check.metric));
    const parts = [
      `accuracy ${percent(accuracy?.current ?? null)} (${deltaPoints(accuracy?.delta ?? null)})`,
      `${model.counts.total} predictions`,
      missed.length > 0 ? `missed: ${missed.join(', ')}` : model.targets.length > 0 ? 'targets met' : null,
      model.drift !== null && ![NO_DRIFT, NOT_TESTED].includes(driftVerdict(model.drift)) ? driftVerdict(model.drift) : null,
    ].filter((part) => part !== null);
    lines.push(`- **${markdownText(model.model_name)}**: ${parts.join(', ')}`);
  }
  if (link !== null) lines.push('', `[Open the dashboard](${link})`);
  return lines.join('\n');
}
