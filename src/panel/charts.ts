import uPlot from 'uplot';
import type { Timeseries } from '../domain/timeseries.js';
import type { TrainingLog } from '../domain/training.js';
import { percent } from './format.js';
import { gridColour, seriesColour, textColour } from './palette.js';

/** What the page shows in its charts, for people who read the DOM (and the browser tests). */
declare global {
  interface Window {
    mlMetricsCharts?: Record<string, unknown>;
  }
}

function expose(container: HTMLElement, name: string, data: unknown): void {
  container.dataset['chart'] = name;
  container.dataset['points'] = JSON.stringify(data);
  window.mlMetricsCharts = { ...window.mlMetricsCharts, [name]: data };
}

function axes(rateLabel: string, withLoss = false): uPlot.Axis[] {
  const stroke = textColour();
  const grid = { stroke: gridColour(), width: 1 };
  const list: uPlot.Axis[] = [
    { stroke, grid, ticks: grid },
    { stroke, grid, ticks: grid, label: rateLabel, values: (_plot, splits) => splits.map((value) => `${Math.round(value * 100)} %`) },
  ];
  if (withLoss) list.push({ stroke, side: 1, scale: 'loss', grid: { show: false }, label: 'loss' });
  return list;
}

/** Draws `options` with `data` into `container`, following its width. Returns the destroy function. */
function plot(container: HTMLElement, options: Omit<uPlot.Options, 'width' | 'height'>, data: uPlot.AlignedData): () => void {
  const width = () => Math.max(280, container.clientWidth);
  const chart = new uPlot({ ...options, width: width(), height: 260 }, data, container);
  const observer = new ResizeObserver(() => chart.setSize({ width: width(), height: 260 }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}

/**
 * Accuracy over time: one line per version, the 95 % Wilson band of the default version, the
 * accuracy target as a dashed line. Empty buckets are gaps.
 */
export function accuracyChart(container: HTMLElement, series: Timeseries[], defaultVersion: string, target: number | undefined): () => void {
  const main = series.find((entry) => entry.model_version === defaultVersion) ?? series[0];
  if (!main) return () => undefined;
  const xs = main.points.map((point) => Date.parse(point.start) / 1000);
  const data: (number | null)[][] = [xs];
  const lines: uPlot.Series[] = [{}];
  series.forEach((entry, index) => {
    data.push(entry.points.map((point) => point.accuracy));
    lines.push({ label: `v${entry.model_version}`, stroke: seriesColour(index), width: entry === main ? 2.5 : 1.5, points: { show: true, size: 5 }, value: (_plot, value) => percent(value) });
  });
  const upper = data.length;
  data.push(main.points.map((point) => point.accuracy_interval?.upper ?? null));
  lines.push({ label: '95 % upper', stroke: 'transparent', width: 0, points: { show: false }, value: (_plot, value) => percent(value) });
  data.push(main.points.map((point) => point.accuracy_interval?.lower ?? null));
  lines.push({ label: '95 % lower', stroke: 'transparent', width: 0, points: { show: false }, value: (_plot, value) => percent(value) });
  if (target !== undefined) {
    data.push(xs.map(() => target));
    lines.push({ label: 'target', stroke: textColour(), dash: [6, 4], width: 1, points: { show: false }, value: (_plot, value) => percent(value) });
  }
  expose(container, 'accuracy', {
    version: main.model_version,
    bucket: main.bucket,
    target: target ?? null,
    points: main.points.map((point) => ({ start: point.start, accuracy: point.accuracy, labeled: point.labeled_predictions, total: point.total_predictions })),
  });
  const mainIndex = series.indexOf(main);
  return plot(
    container,
    {
      series: lines,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: axes('accuracy'),
      bands: [{ series: [upper, upper + 1], fill: `${seriesColour(mainIndex)}33` }],
      legend: { live: true },
    },
    data as uPlot.AlignedData,
  );
}

/** Training sessions, oldest first: training/validation accuracy (left) and loss (right). */
export function trainingChart(container: HTMLElement, sessions: TrainingLog[]): () => void {
  const ordered = [...sessions].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const xs = ordered.map((session) => Date.parse(session.timestamp) / 1000);
  const data = [
    xs,
    ordered.map((session) => session.training_accuracy),
    ordered.map((session) => session.validation_accuracy),
    ordered.map((session) => session.training_loss),
    ordered.map((session) => session.validation_loss),
  ];
  expose(container, 'training', ordered.map((session) => ({ timestamp: session.timestamp, training_accuracy: session.training_accuracy, validation_accuracy: session.validation_accuracy })));
  const rate = (_plot: uPlot, value: number | null) => percent(value);
  return plot(
    container,
    {
      series: [
        {},
        { label: 'train accuracy', stroke: seriesColour(0), width: 2, value: rate },
        { label: 'validation accuracy', stroke: seriesColour(1), width: 2, dash: [8, 4], value: rate },
        { label: 'train loss', stroke: seriesColour(2), width: 1.5, scale: 'loss' },
        { label: 'validation loss', stroke: seriesColour(3), width: 1.5, dash: [8, 4], scale: 'loss' },
      ],
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: axes('accuracy', true),
    },
    data as uPlot.AlignedData,
  );
}
