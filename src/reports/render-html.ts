import { escapeHtml } from './escape-html.js';
import { deltaPoints, driftVerdict, instant, metricLabel, percent, pValue, stat } from './format-figures.js';
import { isDailySeries } from './report-figures.js';
import type { ModelReport, Report } from './report-model.js';
import { accuracyLineChart, PALETTE, periodBarChart } from './svg-charts.js';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#fff;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
.met{color:#00603d;font-weight:600}.missed{color:#a33a00;font-weight:600}.unknown{color:#555}
.muted{color:#555;font-size:.9rem}figure{margin:0}figcaption{text-align:center}.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{max-width:100%;height:auto}
section.model{page-break-inside:avoid;break-inside:avoid-page}
@media print{body{margin:0;max-width:none;font-size:10pt}section.model{page-break-before:auto}a{color:inherit;text-decoration:none}.chart{width:48%}}
`;

const STATUS_MARK: Record<string, string> = { met: '✔ met', missed: '✘ missed', unknown: '? no data' };

function figuresTable(model: ModelReport): string {
  const rows = model.figures
    .map((figure) => `<tr><td>${escapeHtml(metricLabel(figure.metric))}</td><td>${percent(figure.current)}</td><td>${percent(figure.previous)}</td><td>${deltaPoints(figure.delta)}</td></tr>`)
    .join('');
  const counts = `<tr><td>Predictions (labeled)</td><td>${model.counts.total} (${model.counts.labeled})</td><td>${model.counts.previous_total} (${model.counts.previous_labeled})</td><td></td></tr>`;
  return `<table class="figures"><thead><tr><th>Metric</th><th>This period</th><th>Previous</th><th>Change</th></tr></thead><tbody>${rows}${counts}</tbody></table>`;
}

function targetsList(model: ModelReport): string {
  if (model.targets.length === 0) return '<p class="muted">No targets configured.</p>';
  const items = model.targets
    .map((check) => `<li><span class="${check.status}">${STATUS_MARK[check.status]}</span> ${escapeHtml(metricLabel(check.metric))} ${check.kind === 'floor' ? '≥' : '≤'} ${percent(check.target)} (${percent(check.value)})</li>`)
    .join('');
  return `<ul class="targets">${items}</ul>`;
}

function driftBlock(model: ModelReport): string {
  const d = model.drift;
  if (d === null) return `<p class="muted">Drift not computed: ${escapeHtml(model.drift_error ?? 'no answer')}</p>`;
  const changes = d.change_points
    .map((change) => `<li>${escapeHtml(instant(change.timestamp))}: accuracy ${change.direction} ${percent(change.before)} → ${percent(change.after)}</li>`)
    .join('');
  return [
    `<p><strong>${escapeHtml(driftVerdict(d))}</strong>${d.sampled ? ' <span class="muted">(newest records only: a window held more than the scan reads)</span>' : ''}</p>`,
    '<table class="drift"><thead><tr><th>Test</th><th>Statistic</th><th>p-value</th><th>PSI</th></tr></thead><tbody>',
    `<tr><td>Confidence (KS)</td><td>${stat(d.ks_statistic)}</td><td>${pValue(d.ks_p_value)}</td><td>${stat(d.confidence_psi)}</td></tr>`,
    `<tr><td>Predicted labels (χ²)</td><td></td><td>${pValue(d.chi2_p_value)}</td><td>${stat(d.predictions_psi)}</td></tr>`,
    `<tr><td>Accuracy (two proportions)</td><td>${deltaPoints(d.accuracy_delta)}</td><td>${pValue(d.accuracy_p_value)}</td><td></td></tr>`,
    '</tbody></table>',
    changes === '' ? '' : `<ul class="change-points">${changes}</ul>`,
  ].join('');
}

function listsBlock(model: ModelReport): string {
  const confusions = model.confusions.length === 0
    ? '<p class="muted">No confusion in the period.</p>'
    : `<table class="confusions"><thead><tr><th>True label</th><th>Predicted</th><th>Count</th></tr></thead><tbody>${model.confusions.map((c) => `<tr><td>${escapeHtml(c.truth)}</td><td>${escapeHtml(c.predicted)}</td><td>${c.count}</td></tr>`).join('')}</tbody></table>`;
  const slices = model.worst_slices.length === 0
    ? `<p class="muted">No slice with 5 labeled predictions or more (${escapeHtml(model.slice_reason)}).</p>`
    : `<table class="slices"><thead><tr><th>Field</th><th>Value</th><th>Accuracy</th><th>Labeled</th></tr></thead><tbody>${model.worst_slices.map((s) => `<tr><td>${escapeHtml(s.by)}</td><td>${escapeHtml(s.value)}</td><td>${percent(s.accuracy)}</td><td>${s.labeled_predictions}</td></tr>`).join('')}</tbody></table><p class="muted">Sliced by ${escapeHtml(model.slice_fields.join(', '))}: ${escapeHtml(model.slice_reason)}.</p>`;
  const experiments = model.experiments.length === 0
    ? '<p class="muted">No experiment decided in the period or running.</p>'
    : `<ul class="experiments">${model.experiments.map((e) => `<li>${escapeHtml(e.name)} (${escapeHtml(e.version_a)} vs ${escapeHtml(e.version_b)}, ${escapeHtml(e.metric)} ${deltaPoints(e.delta)}): ${e.status === 'decided' ? (e.winner === null ? 'decided, no difference' : `decided, ${escapeHtml(e.winner)} wins`) : escapeHtml(e.status)}</li>`).join('')}</ul>`;
  return `<h3>Top confusions</h3>${confusions}<h3>Worst slices</h3>${slices}<h3>Experiments</h3>${experiments}`;
}

function figure(caption: string, chart: string): string {
  return `<figure>${chart}<figcaption class="muted">${escapeHtml(caption)}</figcaption></figure>`;
}

function modelSection(model: ModelReport, daily: boolean): string {
  const name = escapeHtml(model.model_name);
  const lineTitle = `${daily ? 'Daily accuracy' : 'Accuracy over the period'} — ${model.model_name}`;
  const barTitle = `This period vs previous — ${model.model_name}`;
  return [
    `<section class="model" data-model="${name}">`,
    `<h2>${name} <span class="muted">version ${escapeHtml(model.model_version)}, ${model.task}</span></h2>`,
    figuresTable(model),
    '<div class="charts">',
    figure(lineTitle, accuracyLineChart(lineTitle, model.series)),
    figure(barTitle, periodBarChart(barTitle, model.figures.filter((entry) => entry.metric !== 'confidence'))),
    '</div>',
    `<h3>Targets</h3>${targetsList(model)}`,
    `<h3>Drift against the previous period</h3>${driftBlock(model)}`,
    listsBlock(model),
    '</section>',
  ].join('\n');
}

/** The report as one self-contained HTML page: inline CSS and SVG, nothing fetched, printable. */
export function renderHtml(report: Report): string {
  const period = `${instant(report.since)} – ${instant(report.until)}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Model performance report, ${escapeHtml(period)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    '<h1>Model performance report</h1>',
    `<p class="muted">Period ${escapeHtml(period)} (${escapeHtml(report.period)}), compared with ${escapeHtml(instant(report.previous_since))} – ${escapeHtml(instant(report.previous_until))}. Generated ${escapeHtml(instant(report.generated_at))}. Colours: <span style="color:${PALETTE.current}">■</span> this period, <span style="color:${PALETTE.previous}">■</span> previous.</p>`,
    report.models.length === 0 ? '<p>No model has logged a prediction yet.</p>' : report.models.map((model) => modelSection(model, isDailySeries(Date.parse(report.since), Date.parse(report.until)))).join('\n'),
    '</body></html>',
    '',
  ].join('\n');
}
