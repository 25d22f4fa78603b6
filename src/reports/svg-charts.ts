import { escapeHtml } from './escape-html.js';
import { metricLabel } from './format-figures.js';
import type { Figure, Point } from './report-model.js';

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies, and in grey print. */
export const PALETTE = { current: '#0072B2', previous: '#E69F00', line: '#0072B2', grid: '#BBBBBB', text: '#222222' } as const;

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 44, right: 24, top: 14, bottom: 30 };

function yOf(value: number): number {
  return PAD.top + (1 - value) * (HEIGHT - PAD.top - PAD.bottom);
}

function axes(): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((tick) => `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${yOf(tick)}" y2="${yOf(tick)}" stroke="${PALETTE.grid}" stroke-width="0.5"/><text x="${PAD.left - 6}" y="${yOf(tick) + 4}" text-anchor="end" font-size="10">${tick * 100}%</text>`)
    .join('');
  return `<g class="axes" fill="${PALETTE.text}">${ticks}</g>`;
}

/**
 * The accuracy of each bucket as a line with a marker per bucket that has labeled predictions
 * (a bucket without any leaves a gap). `data-points` counts the markers.
 */
export function accuracyLineChart(title: string, points: Point[]): string {
  const inner = WIDTH - PAD.left - PAD.right;
  const step = points.length > 1 ? inner / (points.length - 1) : 0;
  const xOf = (index: number) => PAD.left + (points.length > 1 ? index * step : inner / 2);
  const segments: string[][] = [[]];
  const markers: string[] = [];
  points.forEach((point, index) => {
    if (point.accuracy === null) {
      segments.push([]);
      return;
    }
    const x = xOf(index).toFixed(1);
    const y = yOf(point.accuracy).toFixed(1);
    segments[segments.length - 1]!.push(`${x},${y}`);
    markers.push(`<circle class="point" cx="${x}" cy="${y}" r="3.5" fill="${PALETTE.line}"><title>${escapeHtml(point.since.slice(0, 10))}: ${(point.accuracy * 100).toFixed(1)}% of ${point.labeled}</title></circle>`);
  });
  const lines = segments.filter((segment) => segment.length > 1).map((segment) => `<polyline fill="none" stroke="${PALETTE.line}" stroke-width="2" points="${segment.join(' ')}"/>`);
  const labels = points
    .map((point, index) => (points.length <= 8 || index % Math.ceil(points.length / 8) === 0 ? `<text x="${xOf(index).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle" font-size="10">${escapeHtml(point.since.slice(5, 10))}</text>` : ''))
    .join('');
  return [
    `<svg class="chart line-chart" data-points="${markers.length}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    axes(),
    ...lines,
    ...markers,
    `<g fill="${PALETTE.text}">${labels}</g>`,
    '</svg>',
  ].join('');
}

/** This period's and the previous period's figures side by side (a bar per figure that has a value). */
export function periodBarChart(title: string, figures: Figure[]): string {
  const inner = WIDTH - PAD.left - PAD.right;
  const group = inner / Math.max(1, figures.length);
  const bar = Math.min(28, group / 3);
  const bars: string[] = [];
  const labels: string[] = [];
  figures.forEach((figure, index) => {
    const left = PAD.left + index * group + group / 2 - bar;
    for (const [offset, value, which, colour] of [
      [0, figure.previous, 'previous', PALETTE.previous],
      [bar, figure.current, 'current', PALETTE.current],
    ] as const) {
      if (value === null) continue;
      const y = yOf(Math.max(0, Math.min(1, value)));
      bars.push(
        `<rect class="bar bar-${which}" x="${(left + offset).toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${(yOf(0) - y).toFixed(1)}" fill="${colour}"${which === 'previous' ? ' fill-opacity="0.9" stroke="#000" stroke-width="0.5" stroke-dasharray="2 1"' : ''}><title>${escapeHtml(metricLabel(figure.metric))} ${which}: ${(value * 100).toFixed(1)}%</title></rect>`,
      );
    }
    labels.push(`<text x="${(left + bar).toFixed(1)}" y="${HEIGHT - 10}" text-anchor="middle" font-size="10">${escapeHtml(metricLabel(figure.metric))}</text>`);
  });
  const legend = `<g font-size="10" fill="${PALETTE.text}"><rect x="${WIDTH - 170}" y="2" width="10" height="10" fill="${PALETTE.previous}"/><text x="${WIDTH - 156}" y="11">previous</text><rect x="${WIDTH - 96}" y="2" width="10" height="10" fill="${PALETTE.current}"/><text x="${WIDTH - 82}" y="11">this period</text></g>`;
  return [
    `<svg class="chart bar-chart" data-bars="${bars.length}" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    axes(),
    ...bars,
    `<g fill="${PALETTE.text}">${labels.join('')}</g>`,
    legend,
    '</svg>',
  ].join('');
}
